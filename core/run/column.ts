/**
 * The engine for one column. Routes load in batches no larger than the runner's isolation allows
 * (one route per process on node, deno and bun; a few per process where each route has its own
 * isolate or context), each batch started on a lane's own runner (batch.ts), so memory stays bounded
 * and a route never shares a global scope with another case. Before any batch, a case the column does
 * not run is SKIP, and a route its build or its platform's deploy refuses is judged without a target.
 */
import type { Hazard, RouteModule, Runner } from '../../runners/types.ts';
import type { SizeFigures } from '../../profiles/code-size.ts';
import { deployCheck } from './deploy.ts';
import { judge, loadMayHaveMade } from '../judge/judge.ts';
import { onlyKnownFailures } from '../judge/subtests.ts';
import type { PreparedRoute } from './route-modules.ts';
import { runBatch } from './batch.ts';
import { readyWarmChunk, runWarmChunk, stopLaneHost, type LaneHost, type WarmContext } from './warm-lane.ts';
import { routeHazards } from '../check/host-hazards.ts';
import type { ColumnJob, Emit } from './column-job.ts';
import type { Case } from '../types.ts';

/** Runs every case of the job, batch by batch on its lanes, and stops every runner it used. */
export async function runColumn(job: ColumnJob): Promise<void> {
  // Case id -> the route's size against the column's limit, shown with every result of the case.
  const sizes = new Map<string, SizeFigures>();
  // Cases whose first verdict load could have made (loadMayHaveMade): run again alone at the end.
  const again = new Map<string, { testCase: Case; first: string }>();
  const checks: Array<{ caseId: string; first: string; then: string }> = [];
  const emit: Emit = (f) => {
    const size = sizes.get(f.testCase.id);
    const seen = size ? { ...f.observation, size } : f.observation;
    const { status, message, support, subtests } = judge(f.testCase, seen, { knownFailingSubtests: job.knownFailingSubtests?.(f.testCase.id) });
    const checked = again.get(f.testCase.id);
    if (checked) checks.push({ caseId: f.testCase.id, first: checked.first, then: status });
    else if (loadMayHaveMade(f.testCase, status) && !job.signal.aborted) {
      again.set(f.testCase.id, { testCase: f.testCase, first: status });
      return;
    }
    const observation = { ...seen, steps: seen.steps.map(({ bodyText: _drop, ...s }) => s) };
    // A cell whose only failing subtests are known ones is expected to FAIL.
    const expected = status === 'FAIL' && subtests && onlyKnownFailures(subtests) ? 'FAIL' : job.expected(f.testCase.id);
    job.onResult({
      caseId: f.testCase.id, target: job.target, status, expected, message, durationMs: Math.round(f.durationMs), observation,
      ...(support ? { support } : {}), ...(subtests ? { subtests } : {}),
    });
  };
  // 1. A case the column does not run is SKIP, judged now.
  const candidates: Case[] = [];
  for (const testCase of job.cases) {
    const skipped = job.skipReason?.(testCase, job.runnerFor(0));
    if (skipped) emit({ testCase, observation: { skipped, steps: [] }, durationMs: 0 });
    else candidates.push(testCase);
  }
  const first = job.runnerFor(0);
  // The routes of the cases admitted and not yet released.
  const routes = new Map<string, PreparedRoute>();
  const moduleOf = (c: Case) => routes.get(c.id)!.module;
  const release = (cases: Case[]) => {
    for (const c of cases) {
      routes.delete(c.id);
      job.release(c);
    }
  };
  /** The platform's deploy: a route over the column's size limit is refused, never hosted, and let go. */
  const deployed = async (testCase: Case, counted: () => Promise<Uint8Array[] | string[] | undefined>): Promise<boolean> => {
    if (!job.sizeLimit) return true;
    const parts = await counted();
    const outcome = parts && deployCheck(parts, job.sizeLimit, testCase.id);
    if (outcome) sizes.set(testCase.id, outcome.size);
    if (!outcome?.failure) return true;
    emit({ testCase, observation: { loadError: outcome.failure, steps: [] }, durationMs: 0 });
    release([testCase]);
    return false;
  };
  /**
   * 2. The cases' routes, a few bundled at a time: a route the build refused, or (where the deploy
   *    counts the bundle) the platform's deploy refused, never reaches the target and is judged now.
   *    Returns the cases to host, in order.
   */
  const admit = async (cases: Case[]): Promise<Case[]> => {
    const admitted = await mapBounded(cases, ADMIT_AT_ONCE, async (testCase) => {
      const prepared = await job.route(testCase);
      routes.set(testCase.id, prepared);
      if (prepared.failure) {
        emit({ testCase, observation: { loadError: prepared.failure, steps: [] }, durationMs: 0 });
        release([testCase]);
        return false;
      }
      return first.deployedCode ? true : deployed(testCase, async () => [prepared.module.source]);
    });
    return cases.filter((_, i) => admitted[i]);
  };
  // 3. A target that builds once for every route (Next.js) needs every route before any batch: it
  //    builds now, each runner is told the routes, and where the deploy counts the platform's own
  //    build output, it is measured once that is built. Other targets get each batch's routes when
  //    the batch starts, so a run holds the routes of the batches in flight, not of every case.
  const eager = Boolean(first.prepare || first.deployedCode);
  let every: RouteModule[] = [];
  let hosted = candidates;
  if (eager) {
    hosted = await admit(candidates);
    every = first.scanFor ? await scanned(hosted, moduleOf, first.scanFor) : hosted.map(moduleOf);
    try {
      await first.prepare?.(every);
    } catch (error) {
      await first.stop();
      // Stopped while preparing (a build cut short) is an interrupted run: nothing to record.
      if (!job.signal.aborted) {
        const reason = { name: (error as Error).name ?? 'Error', message: (error as Error).message ?? String(error) };
        for (const testCase of hosted) emit({ testCase, observation: { harnessError: reason, steps: [] }, durationMs: 0 });
      }
      release(hosted);
      return;
    }
    if (first.deployedCode && !job.signal.aborted) {
      const kept: Case[] = [];
      for (const testCase of hosted) if (await deployed(testCase, () => first.deployedCode!(moduleOf(testCase)))) kept.push(testCase);
      hosted = kept;
    }
  }

  // Runners past the first are made as lanes need them, each told the routes as the first was (the
  // column's shared state makes that cheap).
  let made = 0;
  const nextRunner = () => (made++ === 0 ? first : job.runnerFor(made - 1));
  const preparedRunner = async (): Promise<Runner> => {
    const fresh = made === 0;
    const runner = nextRunner();
    if (!fresh) await runner.prepare?.(every);
    return runner;
  };
  /** One case alone on a fresh host of its own. */
  const alone = async (testCase: Case) => {
    const runner = await preparedRunner();
    await runBatch([testCase], runner, { job, routes, concurrency: 1, emit, nextRunner: preparedRunner }).finally(() => runner.stop());
  };

  const verified = job.isolation === 'verified' ? first.verified : undefined;
  if (job.verification) {
    job.verification.mode = verified ? 'verified' : 'fresh';
    if (verified) Object.assign(job.verification, { proves: verified.proves, blindTo: [...verified.blindTo] });
  }
  const tally = { warmHosts: 0, casesOnWarmHosts: 0, freshByScan: {}, retired: [], ranAgainAlone: 0 };
  try {
    if (verified) {
      // 4v. Verified isolation: chunks of cases on a few lanes, each chunk's cases one at a time on
      //     warm hosts (warm-lane.ts); a case that needs a fresh host gets a runner of its own.
      // A host blind to timers waits SETTLE_MS after each case with nothing in flight (warm-lane.ts),
      // longer than most cases take: four times the hosts keep its lanes' waits from adding up.
      const hosts = verified.blindTo.includes('timers') ? 4 * job.concurrency : job.concurrency;
      // Every route is admitted before the lanes start (Next's were, for its build), so a warm host is
      // opened for every case of the column and a lane keeps its host from chunk to chunk. A size
      // case's route (megabytes of payload) is admitted only when it runs, alone on a fresh host.
      const sized = eager ? [] : hosted.filter((c) => c.payload);
      const warmable = eager ? hosted : await admit(hosted.filter((c) => !c.payload));
      const queue = interleaved(warmable);
      // Chunks shrink as the queue does, so the lanes end together.
      const take = () => queue.splice(0, Math.max(MIN_WARM_CHUNK, Math.min(WARM_CHUNK, Math.ceil(queue.length / (2 * hosts)))));
      const context: WarmContext = {
        job, verified, routes, emit, tally, hostable: warmable,
        // The cases that need a fresh host run beside the warm ones, as many at once as the column's lanes.
        alone: bounded(job.concurrency, alone),
      };
      const finishing: Array<Promise<void>> = [];
      const lane = async () => {
        const laneHost: LaneHost = {};
        try {
          for (let cases = take(); cases.length > 0 && !job.signal.aborted; cases = take()) {
            const chunk = await readyWarmChunk(cases, context);
            // The lane goes on once the warm cases are done; the chunk's cases on fresh hosts may still run.
            const { aloneDone } = await runWarmChunk(chunk, context, laneHost);
            finishing.push(aloneDone.finally(() => release(chunk.cases)));
          }
        } finally {
          await stopLaneHost(laneHost);
        }
      };
      const sizedLane = async () => {
        for (const testCase of sized) {
          if (job.signal.aborted) break;
          const [admitted] = await admit([testCase]);
          if (admitted) await context.alone(admitted).finally(() => release([admitted]));
        }
      };
      await Promise.all([sizedLane(), ...Array.from({ length: Math.max(1, Math.min(Math.ceil(queue.length / MIN_WARM_CHUNK), hosts)) }, lane)]);
      await Promise.all(finishing);
    } else {
      // 4. Batches as large as the runner's isolation allows, each on a runner of its own, on a few lanes.
      const size = Math.max(1, Math.min(first.isolation?.maxRoutesPerStart ?? Infinity, hosted.length));
      const batches: Case[][] = [];
      for (let i = 0; i < hosted.length; i += size) batches.push(hosted.slice(i, i + size));
      const lanes = Math.max(1, Math.min(batches.length, job.concurrency));
      const perBatch = Math.max(1, Math.ceil(job.concurrency / lanes));
      // A lane moves on once its batch's cases have run; the batch settles (and is stopped) meanwhile.
      const settling: Array<Promise<void>> = [];
      const lane = async () => {
        for (let next = batches.shift(); next && !job.signal.aborted; next = batches.shift()) {
          const batch = eager ? next : await admit(next);
          if (batch.length === 0) continue;
          const runner = await preparedRunner();
          let ran!: () => void;
          const hasRun = new Promise<void>((resolve) => (ran = resolve));
          const whole = runBatch(batch, runner, { job, routes, concurrency: perBatch, emit, nextRunner: preparedRunner }, ran)
            .finally(() => runner.stop())
            .finally(() => release(batch));
          settling.push(whole);
          await Promise.race([hasRun, whole]);
        }
      };
      await Promise.all(Array.from({ length: lanes }, lane));
      await Promise.all(settling);
    }
    // 5. Load is never a verdict: a timeout, or a failed timing, runs again alone, once the column's
    //    other cases are done, and the second verdict is the one recorded.
    for (const { testCase } of again.values()) {
      if (job.signal.aborted) break;
      const [admitted] = routes.has(testCase.id) ? [testCase] : await admit([testCase]);
      if (admitted) await alone(admitted).finally(() => release([admitted]));
    }
  } finally {
    // Routes admitted by a batch that never started (the run was stopped) are let go too.
    release(hosted.filter((c) => routes.has(c.id)));
    if (job.verification) Object.assign(job.verification, verified ? tally : {}, checks.length > 0 ? { ranAgainForLoad: checks } : {});
  }
  if (made === 0) await first.stop();
}

/** How many routes one lane bundles at once. */
const ADMIT_AT_ONCE = 4;

/** The most cases a lane takes at a time in verified isolation. */
const WARM_CHUNK = 64;

/** The fewest cases a lane takes at a time in verified isolation (but for the column's last ones). */
const MIN_WARM_CHUNK = 8;

/**
 * The cases dealt area by area in turn (each area's in its order): a slow area (streaming's cases
 * wait on timers and chunks) spreads over every chunk, so no lane draws all of it.
 */
function interleaved(cases: Case[]): Case[] {
  const byArea = new Map<string, Case[]>();
  for (const c of cases) {
    const list = byArea.get(c.area);
    if (list) list.push(c);
    else byArea.set(c.area, [c]);
  }
  const out: Case[] = [];
  for (let i = 0; out.length < cases.length; i++) for (const list of byArea.values()) if (i < list.length) out.push(list[i]);
  return out;
}

/** `fn`, called at most `limit` at a time; the calls past that wait their turn, in order. */
function bounded<T>(limit: number, fn: (item: T) => Promise<void>): (item: T) => Promise<void> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (item) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      await fn(item);
    } finally {
      const nextTurn = waiting.shift();
      if (nextTurn) nextTurn();
      else running--;
    }
  };
}

/** `fn` over the items, at most `limit` at a time; the results in the items' order. */
async function mapBounded<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * The cases' route modules with the hazards of `wanted` each has (Runner.scanFor). A size case's
 * route is scanned as written, before its payload (a string literal) goes in.
 */
async function scanned(cases: Case[], moduleOf: (c: Case) => RouteModule, wanted: readonly Hazard[]): Promise<RouteModule[]> {
  return Promise.all(cases.map(async (c) => ({ ...moduleOf(c), hazards: await routeHazards(c.payload ? c.route : moduleOf(c).source, wanted) })));
}

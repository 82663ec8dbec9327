/**
 * The engine for one column. Routes load in batches no larger than the runner's isolation allows
 * (one route per process on node, deno and bun; a few per process where each route has its own
 * isolate or context), each batch started on a lane's own runner, so memory stays bounded and a
 * route never shares a global scope with another case. Within a batch, cases run with bounded
 * concurrency and crashes are attributed: when the target dies, the cases in flight (and those that
 * finished just before) are suspects, the target restarts and each suspect runs alone, so the case
 * that kills it is CRASH and every other case gets the result it would get in a run without it. A
 * process that held one route needs no such search: its route is CRASH as it was observed.
 * A route that breaks its batch's start (it hangs or exits while loading) is that case's TIMEOUT or
 * CRASH, and the batch starts again without it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent } from 'undici';
import { LoadFault } from '../runners/load-fault.ts';
import type { Exit, Loaded, RouteModule, Runner } from '../runners/types.ts';
import type { SizeFigures, SizeLimit } from './code-size.ts';
import { deployCheck } from './deploy-check.ts';
import { judge } from './judge.ts';
import { onlyKnownFailures } from './subtests.ts';
import type { PreparedRoute } from './route-modules.ts';
import { runCase } from './run-case.ts';
import type { Case, Observation, Status } from './types.ts';
import type { Result } from './report-types.ts';

/** How long a finished case waits before its result counts: a target may die just after answering. */
export const SETTLE_MS = 250;

/** What the engine needs to run one column. */
export interface ColumnJob {
  target: string;
  /**
   * The runner for the n-th batch: 0 is the runner the column was set up with, each other a new runner
   * of the same column with a work folder of its own.
   */
  runnerFor(n: number): Runner;
  cases: Case[];
  /**
   * The route of a case, bundled for this column (or refused by its build). The engine asks for a
   * batch's routes when the batch is about to start (all at once for a runner that prepares every
   * route, such as Next's build), and gives each back with release() once no start can need it.
   */
  route(testCase: Case): Promise<PreparedRoute>;
  /** The column is done with a case's route (see route()). */
  release(testCase: Case): void;
  /** The code-size limit the column's platform deploys routes under, if it stands for one. */
  sizeLimit?: SizeLimit;
  /** Why a case is not run on this column (an area it does not run, a requirement it lacks), else undefined. */
  skipReason?(testCase: Case, runner: Runner): string | undefined;
  /** Cases in flight at once in the column. */
  concurrency: number;
  agent: Agent;
  /** Aborted when the whole run stops (Ctrl-C). */
  signal: AbortSignal;
  expected(caseId: string): Status;
  /** The subtests of a case the expectations list as failing on this column. */
  knownFailingSubtests?(caseId: string): readonly string[];
  onResult(result: Result): void;
  /** Called with a started target's routes once its batch's cases have run, before it stops (run --perf reads its memory). */
  afterBatch?(loaded: Loaded): void;
  log(message: string): void;
}

interface Finished {
  testCase: Case;
  observation: Observation;
  durationMs: number;
  at: number;
}

type Emit = (finished: Omit<Finished, 'at'>) => void;

/** Runs every case of the job, batch by batch on its lanes, and stops every runner it used. */
export async function runColumn(job: ColumnJob): Promise<void> {
  // Case id -> the route's size against the column's limit, shown with every result of the case.
  const sizes = new Map<string, SizeFigures>();
  const emit: Emit = (f) => {
    const size = sizes.get(f.testCase.id);
    const seen = size ? { ...f.observation, size } : f.observation;
    const { status, message, support, subtests } = judge(f.testCase, seen, { knownFailingSubtests: job.knownFailingSubtests?.(f.testCase.id) });
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
    every = hosted.map(moduleOf);
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

  // 4. Batches as large as the runner's isolation allows, each on a runner of its own, on a few lanes.
  const size = Math.max(1, Math.min(first.isolation?.maxRoutesPerStart ?? Infinity, hosted.length));
  const batches: Case[][] = [];
  for (let i = 0; i < hosted.length; i += size) batches.push(hosted.slice(i, i + size));
  const lanes = Math.max(1, Math.min(batches.length, Math.ceil(job.concurrency / size)));
  const perBatch = Math.max(1, Math.ceil(job.concurrency / lanes));
  // A lane moves on once its batch's cases have run; the batch settles (and is stopped) meanwhile.
  const settling: Array<Promise<void>> = [];
  let made = 0;
  const nextRunner = () => (made++ === 0 ? first : job.runnerFor(made - 1));
  /** A new runner, told the routes as the first was (its column's shared state makes that cheap). */
  const preparedRunner = async (): Promise<Runner> => {
    const fresh = made === 0;
    const runner = nextRunner();
    if (!fresh) await runner.prepare?.(every);
    return runner;
  };
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
  try {
    await Promise.all(Array.from({ length: lanes }, lane));
    await Promise.all(settling);
  } finally {
    // Routes admitted by a batch that never started (the run was stopped) are let go too.
    release(hosted.filter((c) => routes.has(c.id)));
  }
  if (made === 0) await first.stop();
}

/** How many routes one lane bundles at once. */
const ADMIT_AT_ONCE = 4;

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
 * Starts the runner with the batch's routes, runs its cases and stops it. A start that fails
 * without naming a route splits the batch: each of its cases then runs as a batch of its own.
 */
/** What every batch of a column shares. */
interface BatchContext {
  job: ColumnJob;
  /** The routes of the cases admitted and not yet released. */
  routes: Map<string, PreparedRoute>;
  /** Cases in flight at once in one batch. */
  concurrency: number;
  emit: Emit;
  /** A new runner of the column, for batches split off this one. */
  nextRunner(): Promise<Runner>;
}

async function runBatch(batch: Case[], runner: Runner, context: BatchContext, ran: () => void = () => {}): Promise<void> {
  const { job, routes, concurrency, emit } = context;
  const judged = new Set<string>();
  const excluded = new Set<string>();
  const record: Emit = (f) => {
    judged.add(f.testCase.id);
    emit(f);
  };
  const start = async (): Promise<Started | undefined> => {
    for (;;) {
      const live = batch.filter((c) => !excluded.has(c.id));
      if (live.length === 0) return undefined;
      try {
        const loaded = await runner.start(live.map((c) => routes.get(c.id)!.module));
        return { loaded, exit: runner.exited() };
      } catch (error) {
        const culprit = faultyCase(error, live, routes);
        if (!culprit) throw live.length > 1 ? new SplitBatch(error) : error;
        const fault = error as LoadFault;
        excluded.add(culprit.id);
        job.log(`${job.target}: ${culprit.id}: ${fault.message.split('\n')[0]}; loading the others without it`);
        record({ testCase: culprit, observation: fault.fault === 'timeout' ? { loadTimedOutMs: fault.afterMs ?? culprit.timeoutMs, steps: [] } : { crashed: fault.exit ?? { exitCode: null, signal: null }, steps: [] }, durationMs: 0 });
      }
    }
  };
  const runOne: RunOne = async (testCase, loaded, stop) => {
    const began = performance.now();
    const cursor = runner.outputCursor?.();
    const observation = await runCase(testCase, routes.get(testCase.id)!.module.key, loaded, job.agent, stop);
    const output = cursor === undefined ? '' : await outputAfter(runner, cursor, observation);
    return { testCase, observation: output ? { ...observation, output } : observation, durationMs: performance.now() - began };
  };

  let queue = batch;
  try {
    // 1. Start the target for the batch.
    let current = await start();
    queue = queue.filter((c) => !judged.has(c.id));
    while (current && queue.length > 0 && !job.signal.aborted) {
      // 2. Run cases concurrently until the queue is empty or the target dies.
      const round = await runConcurrently(queue, current, job, concurrency, runOne, record, ran);
      queue = round.rest;
      if (!round.exit) break;
      // A process that held one route died of that route: it is CRASH as observed, with no restart
      // and no second run to find it (which would cost a start and the case's time per crash).
      const live = batch.filter((c) => !excluded.has(c.id));
      const alone = live.length === 1 && round.suspects.length === 1 && round.suspects[0].testCase === live[0] ? round.suspects[0] : undefined;
      if (alone) {
        job.log(`${job.target}: the target exited (${describeExit(round.exit)}) while ${alone.testCase.id}, its only route, ran`);
        excluded.add(alone.testCase.id);
        record({ ...alone, observation: { ...alone.observation, crashed: round.exit } });
        break;
      }
      // 3. The target died: restart it and run each suspect alone to find the case that kills it.
      job.log(`${job.target}: the target exited (${describeExit(round.exit)}); restarting and re-running ${round.suspects.length} case(s) one at a time`);
      await runner.stop();
      current = await start();
      for (const { testCase: suspect } of round.suspects) {
        if (job.signal.aborted || !current) break;
        if (judged.has(suspect.id)) continue;
        const solo = await runSolo(suspect, current, job, runOne);
        if (!solo.exit) {
          record(solo.finished);
          continue;
        }
        excluded.add(suspect.id);
        record({ ...solo.finished, observation: { ...solo.finished.observation, crashed: solo.exit } });
        await runner.stop();
        current = await start();
      }
      queue = queue.filter((c) => !judged.has(c.id));
    }
    if (current && !job.signal.aborted) job.afterBatch?.(current.loaded);
  } catch (error) {
    await runner.stop();
    const rest = batch.filter((c) => !judged.has(c.id));
    if (error instanceof SplitBatch) {
      // 4. The start failed and named no route: each case runs alone (on runners of their own, up to
      //    the column's concurrency at once), so the one at fault is found in one more load.
      job.log(`${job.target}: a batch of ${rest.length} routes failed to start (${String(error.cause).split('\n')[0]}); loading them one at a time`);
      const singles = [...rest];
      const lane = async () => {
        for (let testCase = singles.shift(); testCase && !job.signal.aborted; testCase = singles.shift()) {
          const own = await context.nextRunner();
          await runBatch([testCase], own, { ...context, concurrency: 1 }).finally(() => own.stop());
        }
      };
      await Promise.all(Array.from({ length: Math.min(singles.length, job.concurrency) }, lane));
      return;
    }
    // The target could not be (re)started: every case not yet judged is ERROR with the reason.
    const reason = { name: (error as Error).name ?? 'Error', message: (error as Error).message ?? String(error) };
    for (const testCase of rest) record({ testCase, observation: { harnessError: reason, steps: [] }, durationMs: 0 });
  } finally {
    await runner.stop();
  }
}

/** A start that failed for a reason no route was named for, in a batch of several routes. */
class SplitBatch extends Error {
  constructor(cause: unknown) {
    super('split the batch', { cause });
  }
}

/** The case whose route broke a start: the one a LoadFault names, or the only one loading. */
function faultyCase(error: unknown, live: Case[], routes: Map<string, PreparedRoute>): Case | undefined {
  if (!(error instanceof LoadFault)) return undefined;
  if (error.key !== undefined) return live.find((c) => routes.get(c.id)!.module.key === error.key);
  return live.length === 1 ? live[0] : undefined;
}

type Started = { loaded: Loaded; exit: Promise<Exit> };
type RunOne = (c: Case, loaded: Loaded, stop: AbortSignal) => Promise<Omit<Finished, 'at'>>;

/**
 * Runs the queue with bounded concurrency, and calls `ran` once no case is in flight. A finished case is emitted once it has settled (the
 * target stayed alive SETTLE_MS after it); when the target dies, the unsettled and the interrupted
 * cases are returned as suspects, and the cases not yet started as the rest.
 */
async function runConcurrently(queue: Case[], current: Started, job: ColumnJob, concurrency: number, runOne: RunOne, emit: Emit, ran: () => void) {
  const rest = [...queue];
  const unsettled: Finished[] = [];
  const interrupted: Finished[] = [];
  const died = new AbortController();
  let exit: Exit | undefined;
  void current.exit.then((e) => {
    exit = e;
    died.abort();
  });
  const settle = (all = false) => {
    const cutoff = performance.now() - SETTLE_MS;
    while (!exit && unsettled.length > 0 && (all || unsettled[0].at <= cutoff)) emit(unsettled.shift()!);
  };
  const ticker = setInterval(settle, SETTLE_MS / 2);
  const stop = AbortSignal.any([job.signal, died.signal]);
  const worker = async () => {
    while (rest.length > 0 && !stop.aborted) {
      const testCase = rest.shift()!;
      const finished = await runOne(testCase, current.loaded, stop);
      if (stop.aborted) {
        if (!job.signal.aborted) interrupted.push({ ...finished, at: performance.now() });
        continue;
      }
      unsettled.push({ ...finished, at: performance.now() });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  ran();
  if (!exit && !job.signal.aborted && unsettled.length > 0) await Promise.race([sleep(SETTLE_MS), current.exit]);
  clearInterval(ticker);
  settle(true);
  // Cases that were in flight, or finished shortly before the exit, may have caused it; each comes
  // with what was observed of it until then.
  return { rest, exit, suspects: exit ? [...unsettled, ...interrupted] : [] };
}

async function runSolo(testCase: Case, current: Started, job: ColumnJob, runOne: RunOne) {
  let exit: Exit | undefined;
  const died = new AbortController();
  void current.exit.then((e) => {
    exit = e;
    died.abort();
  });
  // Observe the case's requests until the target dies, then wait a moment for a late death.
  const finished = await runOne(testCase, current.loaded, AbortSignal.any([job.signal, died.signal]));
  if (!exit) await Promise.race([sleep(SETTLE_MS), current.exit]);
  return { finished, exit };
}

function describeExit(exit: Exit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.exitCode}`;
}

/** How long to wait for what a target prints about a failed response; its pipe may lag the response. */
const OUTPUT_SETTLE_MS = 300;

/**
 * What the target printed while the case ran. After a response that failed (a 5xx, a transport
 * error), the error the runtime prints may reach edgecompat's end of the pipe after the response:
 * wait for it a little (it only goes into the message, never into the verdict).
 */
async function outputAfter(runner: Runner, cursor: number, observation: Observation): Promise<string> {
  const read = () => runner.outputSince?.(cursor) ?? '';
  const failed = observation.steps.some((step) => (step.status ?? 0) >= 500 || step.error);
  for (let waited = 0; failed && !read() && waited < OUTPUT_SETTLE_MS; waited += 20) await sleep(20);
  return read();
}

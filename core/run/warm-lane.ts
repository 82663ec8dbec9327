/**
 * Verified isolation for a lane's chunks of a column's cases: one case at a time on a warm host (a runtime
 * process that serves many cases), whose proof after each case says that everything route code can
 * change is as a fresh host has it. A verdict stands only when the host was proven clean before the
 * case (the proof after the one before, or its baseline) and after it. Otherwise (a change, something
 * left running, a crash, a load that hung, a proof that failed) the host is retired and the case runs
 * again alone on a fresh host, and that verdict is the one recorded. A route whose bundle does what
 * the runtime's proof cannot read (core/check/host-hazards.ts) gets a fresh host from the start.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Exit, Hazard, Loaded, RouteModule, VerifiedHosting, WarmHost } from '../../runners/types.ts';
import type { Verification } from '../report/report-types.ts';
import { hostHazards } from '../check/host-hazards.ts';
import { outputAfter, SETTLE_MS } from './batch.ts';
import type { ColumnJob, Emit, Finished } from './column-job.ts';
import { runCase } from './run-case.ts';
import type { PreparedRoute } from './route-modules.ts';
import type { Case } from '../types.ts';

/** What a chunk needs of its column. */
export interface WarmContext {
  job: ColumnJob;
  verified: VerifiedHosting;
  /** The routes of the cases admitted and not yet released. */
  routes: Map<string, PreparedRoute>;
  emit: Emit;
  /**
   * Runs one case alone on a fresh host of the column, recording its verdict. The column bounds how
   * many run at once; a chunk's alone cases run beside its warm host, each in a process of its own.
   */
  alone(testCase: Case): Promise<void>;
  /** The column's cases a warm host may serve: it is opened for those of them the scan lets run warm, so one host serves many chunks. */
  hostable: Case[];
  /** What the column's verified isolation found, filled in as the cases run. */
  tally: Required<Pick<Verification, 'warmHosts' | 'casesOnWarmHosts' | 'freshByScan' | 'retired' | 'ranAgainAlone'>>;
}

/** How one case went on a warm host: its verdict stands, or the host is retired for `why`. */
type Outcome = { finished: Omit<Finished, 'at'> } | { why: string };

/** A host being opened: the host, or why none could be had. */
type Opening = Promise<{ host: WarmHost } | { error: unknown }>;

/** What a lane keeps between the cases it runs: the warm host it serves them on, or the one opening for it. */
export interface LaneHost {
  host?: WarmHost;
  opening?: Opening;
}

/** A chunk made ready to run: its cases sorted by the scan. */
export interface ReadyChunk {
  /** Every case of the chunk (released together once it has run). */
  cases: Case[];
  /** The cases for warm hosts, in order. */
  warm: Case[];
  /** The cases the scan gives a fresh host. */
  fresh: Case[];
}

/**
 * Starts opening a host for the column's hostable cases whose routes it still holds and that the scan
 * lets run warm (a warm host may load only the routes it was opened with, and what it imports before
 * its baseline follows from them).
 */
function openHost(context: WarmContext): Opening {
  const modules = async () => {
    const keys = new Set<string>();
    const out: RouteModule[] = [];
    for (const c of context.hostable) {
      const route = context.routes.get(c.id);
      if (!route || keys.has(route.module.key) || (await blindSpots(route.module.source, context)).length > 0) continue;
      keys.add(route.module.key);
      out.push(route.module);
    }
    return out;
  };
  return modules()
    .then((routes) => context.verified.open(routes))
    .then(
      (host) => ({ host }),
      (error: unknown) => ({ error }),
    );
}

/** The hazards of a route's bundle that the column's proof is blind to (the scan is kept by source). */
async function blindSpots(source: string, context: WarmContext): Promise<Hazard[]> {
  return [...(await hostHazards(source))].filter((h) => context.verified.blindTo.includes(h));
}

/** Readies a chunk of admitted cases: the scan (a route that does what the proof cannot read gets a fresh host). */
export async function readyWarmChunk(cases: Case[], context: WarmContext): Promise<ReadyChunk> {
  const { routes, tally } = context;
  const warm: Case[] = [];
  const fresh: Case[] = [];
  for (const testCase of cases) {
    const blind = await blindSpots(routes.get(testCase.id)!.module.source, context);
    for (const hazard of blind) tally.freshByScan[hazard] = (tally.freshByScan[hazard] ?? 0) + 1;
    (blind.length > 0 ? fresh : warm).push(testCase);
  }
  return { cases, warm, fresh };
}

/** Stops the lane's host and the one opening for it, if any. */
export async function stopLaneHost(lane: LaneHost): Promise<void> {
  const { host, opening } = lane;
  lane.host = undefined;
  lane.opening = undefined;
  await host?.stop();
  const unused = await opening;
  if (unused && 'host' in unused) await unused.host.stop();
}

/**
 * Runs a ready chunk: the warm cases one at a time on the lane's warm host (opened when the lane has
 * none), and beside them the cases that need a fresh host (by the scan, or because their warm host
 * was retired), each alone. When a host is retired its successor starts opening at once, while the
 * retired host's case runs again alone. The lane's host stays up for its caller to stop or to use
 * again. Resolves once the warm cases are done; `aloneDone` once the chunk's cases on fresh hosts are too.
 */
export async function runWarmChunk(chunk: ReadyChunk, context: WarmContext, lane: LaneHost): Promise<{ aloneDone: Promise<void> }> {
  const { job, routes, tally } = context;
  const { warm } = chunk;
  const aloneRuns: Array<Promise<void>> = chunk.fresh.map((testCase) => context.alone(testCase));
  try {
    for (let i = 0; i < warm.length && !job.signal.aborted; i++) {
      const testCase = warm[i];
      if (!lane.host) {
        const opened = await (lane.opening ?? openHost(context));
        lane.opening = undefined;
        if ('error' in opened) {
          // No warm host to be had: this case and the rest of the chunk run on fresh hosts.
          job.log(`${job.target}: a warm host did not start (${firstLine(opened.error)}); the rest of its cases run on fresh hosts`);
          aloneRuns.push(...warm.slice(i).map((c) => context.alone(c)));
          break;
        }
        lane.host = opened.host;
        tally.warmHosts++;
      }
      const outcome = await runOnHost(testCase, routes.get(testCase.id)!.module.key, lane.host, job, !context.verified.blindTo.includes('timers'));
      // A case the run's stop cut short has no verdict: it is left for run --resume, as on a fresh host.
      if (job.signal.aborted) break;
      if ('finished' in outcome) {
        tally.casesOnWarmHosts++;
        context.emit(outcome.finished);
        continue;
      }
      tally.retired.push({ caseId: testCase.id, why: outcome.why });
      job.log(`${job.target}: a warm host was retired after ${testCase.id} (${outcome.why}); the case runs again alone on a fresh host`);
      const retired = lane.host;
      lane.host = undefined;
      await retired.stop();
      if (job.signal.aborted) break;
      if (i + 1 < warm.length) lane.opening = openHost(context);
      tally.ranAgainAlone++;
      aloneRuns.push(context.alone(testCase));
    }
  } catch (error) {
    // Not a verdict (an internal error): the column ends on it once the cases on fresh hosts are done.
    await Promise.allSettled(aloneRuns);
    throw error;
  }
  return { aloneDone: Promise.all(aloneRuns).then(() => {}) };
}

/**
 * Loads, runs and proves one case on the host. `seesTimers`: the host's proof waits for what the
 * route left running (timers, sockets) to end, so a death it causes comes during the proof; where
 * the runtime cannot show that, the case waits as a fresh host's does (SETTLE_MS) before the proof.
 */
async function runOnHost(testCase: Case, key: string, host: WarmHost, job: ColumnJob, seesTimers: boolean): Promise<Outcome> {
  let exit: Exit | undefined;
  const died = new AbortController();
  void host.exited().then((e) => {
    exit = e;
    died.abort();
  });
  const began = performance.now();
  const cursor = host.outputCursor();
  let loaded: Loaded;
  try {
    loaded = await host.load(key);
  } catch (error) {
    return { why: `loading the route: ${firstLine(error)}` };
  }
  const observation = await runCase(testCase, key, loaded, job.agent, AbortSignal.any([job.signal, died.signal]));
  const durationMs = performance.now() - began;
  if (!exit && !seesTimers) await Promise.race([sleep(SETTLE_MS), host.exited()]);
  if (exit) return { why: `the host exited (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.exitCode}`})` };
  const output = await outputAfter(host, cursor, observation);
  // run --perf reads the host's memory while it still serves the route, after each case.
  job.afterBatch?.(loaded);
  let changes: string[];
  try {
    changes = await host.prove(key);
  } catch (error) {
    return { why: `proving the host: ${firstLine(error)}` };
  }
  if (changes.length > 0) return { why: changes.slice(0, 3).join('; ') };
  return { finished: { testCase, observation: output ? { ...observation, output } : observation, durationMs } };
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0];
}

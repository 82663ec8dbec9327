/**
 * One batch of a column's cases on one runner: the target started with the batch's routes, the
 * cases run with bounded concurrency, and crashes attributed. When the target dies, the cases in
 * flight (and those that finished just before) are suspects, the target restarts and each suspect
 * runs alone, so the case that kills it is CRASH and every other case gets the result it would get
 * in a run without it. A process that held one route needs no such search: its route is CRASH as it
 * was observed. A route that breaks its batch's start (it hangs or exits while loading) is that
 * case's TIMEOUT or CRASH, and the batch starts again without it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LoadFault } from '../../runners/load-fault.ts';
import type { Exit, Loaded, Runner } from '../../runners/types.ts';
import type { PreparedRoute } from './route-modules.ts';
import { runCase } from './run-case.ts';
import type { ColumnJob, Emit, Finished } from './column-job.ts';
import type { Case, Observation } from '../types.ts';

/** How long a finished case waits before its result counts: a target may die just after answering. */
export const SETTLE_MS = 250;

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

/**
 * Starts the runner with the batch's routes, runs its cases and stops it. A start that fails
 * without naming a route splits the batch: each of its cases then runs as a batch of its own.
 */
export async function runBatch(batch: Case[], runner: Runner, context: BatchContext, ran: () => void = () => {}): Promise<void> {
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
export async function outputAfter(runner: Pick<Runner, 'outputSince'>, cursor: number, observation: Observation): Promise<string> {
  const read = () => runner.outputSince?.(cursor) ?? '';
  const failed = observation.steps.some((step) => (step.status ?? 0) >= 500 || step.error);
  for (let waited = 0; failed && !read() && waited < OUTPUT_SETTLE_MS; waited += 20) await sleep(20);
  return read();
}

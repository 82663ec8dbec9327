/**
 * The engine for one column: start the target once, run its cases with bounded concurrency, and
 * survive crashes. When the target dies, the cases in flight (and those that finished just before)
 * are suspects: the target restarts and each suspect runs alone, so the case that kills it is CRASH
 * and every other case gets the result it would get in a run without it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent } from 'undici';
import type { Exit, Loaded, RouteModule, Runner } from '../runners/types.ts';
import { judge } from './judge.ts';
import { runCase } from './run-case.ts';
import type { Case, Observation, Status } from './types.ts';
import type { Result } from './report-types.ts';

/** How long a finished case waits before its result counts: a target may die just after answering. */
export const SETTLE_MS = 250;

/** What the engine needs to run one column. */
export interface ColumnJob {
  target: string;
  runner: Runner;
  cases: Case[];
  /** Route module per case id. */
  routes: Map<string, RouteModule>;
  concurrency: number;
  agent: Agent;
  /** Aborted when the whole run stops (Ctrl-C). */
  signal: AbortSignal;
  expected(caseId: string): Status;
  onResult(result: Result): void;
  log(message: string): void;
}

interface Finished {
  testCase: Case;
  observation: Observation;
  durationMs: number;
  at: number;
}

/** Runs every case of the job on its (already available) runner, then stops it. */
export async function runColumn(job: ColumnJob): Promise<void> {
  const crashed = new Set<string>();
  const judged = new Set<string>();
  const emit: Emit = (f) => {
    judged.add(f.testCase.id);
    const { status, message } = judge(f.testCase, f.observation);
    const observation = { ...f.observation, steps: f.observation.steps.map(({ bodyText: _drop, ...s }) => s) };
    job.onResult({ caseId: f.testCase.id, target: job.target, status, expected: job.expected(f.testCase.id), message, durationMs: Math.round(f.durationMs), observation });
  };
  const start = async (): Promise<Started> => {
    const routes = job.cases.filter((c) => !crashed.has(c.id)).map((c) => job.routes.get(c.id)!);
    const loaded = await job.runner.start(routes);
    return { loaded, exit: job.runner.exited() };
  };
  const runOne: RunOne = async (testCase, loaded, stop) => {
    const began = performance.now();
    const observation = await runCase(testCase, job.routes.get(testCase.id)!.key, loaded, job.agent, stop);
    return { testCase, observation, durationMs: performance.now() - began };
  };

  let queue = [...job.cases];
  try {
    // 1. Start the target once for all cases.
    let current = await start();
    while (queue.length > 0 && !job.signal.aborted) {
      // 2. Run cases concurrently until the queue is empty or the target dies.
      const round = await runConcurrently(queue, current, job, runOne, emit);
      queue = round.rest;
      if (!round.exit) break;
      // 3. The target died: restart it and run each suspect alone to find the case that kills it.
      job.log(`${job.target}: the target exited (${describeExit(round.exit)}); restarting and re-running ${round.suspects.length} case(s) one at a time`);
      await job.runner.stop();
      current = await start();
      for (const suspect of round.suspects) {
        if (job.signal.aborted) break;
        const solo = await runSolo(suspect, current, job, runOne);
        if (!solo.exit) {
          emit(solo.finished);
          continue;
        }
        crashed.add(suspect.id);
        emit({ ...solo.finished, observation: { ...solo.finished.observation, crashed: solo.exit } });
        await job.runner.stop();
        current = await start();
      }
    }
  } catch (error) {
    // The target could not be (re)started: every case not yet judged is ERROR with the reason.
    const reason = { name: (error as Error).name ?? 'Error', message: (error as Error).message ?? String(error) };
    for (const testCase of job.cases) if (!judged.has(testCase.id)) emit({ testCase, observation: { harnessError: reason, steps: [] }, durationMs: 0 });
  } finally {
    await job.runner.stop();
  }
}

type Started = { loaded: Loaded; exit: Promise<Exit> };
type RunOne = (c: Case, loaded: Loaded, stop: AbortSignal) => Promise<Omit<Finished, 'at'>>;
type Emit = (finished: Omit<Finished, 'at'>) => void;

/**
 * Runs the queue with bounded concurrency. A finished case is emitted once it has settled (the
 * target stayed alive SETTLE_MS after it); when the target dies, the unsettled and the interrupted
 * cases are returned as suspects, and the cases not yet started as the rest.
 */
async function runConcurrently(queue: Case[], current: Started, job: ColumnJob, runOne: RunOne, emit: Emit) {
  const rest = [...queue];
  const unsettled: Finished[] = [];
  const interrupted: Case[] = [];
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
        if (!job.signal.aborted) interrupted.push(testCase);
        continue;
      }
      unsettled.push({ ...finished, at: performance.now() });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, job.concurrency) }, worker));
  if (!exit && !job.signal.aborted && unsettled.length > 0) await Promise.race([sleep(SETTLE_MS), current.exit]);
  clearInterval(ticker);
  settle(true);
  // Cases that were in flight, or finished shortly before the exit, may have caused it.
  return { rest, exit, suspects: exit ? [...unsettled.map((f) => f.testCase), ...interrupted] : [] };
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

/**
 * Running one case against a loaded route: its requests in order (or overlapping, when a request
 * starts after the previous one's first chunk), under the case timeout.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent } from 'undici';
import type { Loaded } from '../../runners/types.ts';
import { send } from './client.ts';
import type { Case, Observation, StepObservation } from '../types.ts';

/** The token a case path may hold, replaced by a value new to each run of the case (see runCase). */
export const RUN_TOKEN = '{run}';

/**
 * Runs the case's requests; `stop` aborts them (the run stops, or the target died). `{run}` in a
 * path becomes a value new to this run of the case, the same in all its requests: a cache in front
 * of a deployment keeps responses across runs, and a case that expects the route to run must not be
 * answered by what an earlier run left there.
 */
export async function runCase(testCase: Case, key: string, loaded: Loaded, agent: Agent, stop: AbortSignal): Promise<Observation> {
  const warnings = loaded.warnings?.get(key);
  const warned = warnings?.length ? { buildWarnings: warnings } : {};
  const failure = loaded.failures.get(key);
  if (failure) return { loadError: failure, ...warned, steps: [] };
  const base = loaded.urls.get(key);
  if (base === undefined) return { harnessError: { name: 'RunnerError', message: `the runner gave no URL for route ${key}` }, steps: [] };
  // A timer held here, not AbortSignal.timeout(): AbortSignal.any() holds its sources weakly, and Node
  // may collect a timeout signal that nothing else holds before it fires, losing the case's timeout
  // (https://github.com/nodejs/node/issues/57736).
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new DOMException('the case timed out', 'TimeoutError')), testCase.timeoutMs);
  const signal = AbortSignal.any([stop, timeout.signal]);
  const observations: Array<Promise<StepObservation>> = [];
  let previousDone: Promise<unknown> = Promise.resolve();
  let previousFirstChunk: Promise<unknown> = Promise.resolve();
  const run = randomUUID().slice(0, 8);
  for (const step of testCase.steps) {
    await (step.startAfter === 'previous-first-chunk' ? Promise.race([previousFirstChunk, previousDone]) : previousDone);
    if (step.waitMs) await sleep(step.waitMs, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) break;
    let firstChunk!: () => void;
    previousFirstChunk = new Promise<void>((resolve) => (firstChunk = resolve));
    const request = { ...step.request, path: step.request.path.replaceAll(RUN_TOKEN, run) };
    const observed = send(base, request, { agent, signal, onFirstChunk: firstChunk });
    observations.push(observed);
    previousDone = observed;
  }
  const steps = await Promise.all(observations).finally(() => clearTimeout(timer));
  return { ...warned, steps };
}

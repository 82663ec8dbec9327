/**
 * Running one case against a loaded route: its requests in order (or overlapping, when a request
 * starts after the previous one's first chunk), under the case timeout.
 */
import type { Agent } from 'undici';
import type { Loaded } from '../runners/types.ts';
import { send } from './client.ts';
import type { Case, Observation, StepObservation } from './types.ts';

/** Runs the case's requests; `stop` aborts them (the run stops, or the target died). */
export async function runCase(testCase: Case, key: string, loaded: Loaded, agent: Agent, stop: AbortSignal): Promise<Observation> {
  const warnings = loaded.warnings?.get(key);
  const warned = warnings?.length ? { buildWarnings: warnings } : {};
  const failure = loaded.failures.get(key);
  if (failure) return { loadError: failure, ...warned, steps: [] };
  const base = loaded.urls.get(key);
  if (base === undefined) return { harnessError: { name: 'RunnerError', message: `the runner gave no URL for route ${key}` }, steps: [] };
  const signal = AbortSignal.any([stop, AbortSignal.timeout(testCase.timeoutMs)]);
  const observations: Array<Promise<StepObservation>> = [];
  let previousDone: Promise<unknown> = Promise.resolve();
  let previousFirstChunk: Promise<unknown> = Promise.resolve();
  for (const step of testCase.steps) {
    await (step.startAfter === 'previous-first-chunk' ? Promise.race([previousFirstChunk, previousDone]) : previousDone);
    if (signal.aborted) break;
    let firstChunk!: () => void;
    previousFirstChunk = new Promise<void>((resolve) => (firstChunk = resolve));
    const observed = send(base, step.request, { agent, signal, onFirstChunk: firstChunk });
    observations.push(observed);
    previousDone = observed;
  }
  return { ...warned, steps: await Promise.all(observations) };
}

/**
 * The verdicts of `edgecompat check-runner`, as pure functions of what was observed: each returns the
 * problems it finds (an empty list passes) or the words of a check's line.
 */
import type { Result } from '../report/report-types.ts';
import type { Exit, Loaded, TargetInfo } from '../../runners/types.ts';
import type { Listener } from '../../runners/host/proc.ts';

/** A check's outcome: PASS, FAIL, or SKIP when it could not run (the runner is unavailable here). */
export type CheckStatus = 'PASS' | 'FAIL' | 'SKIP';

/** One line of check-runner's output. */
export interface CheckResult {
  name: string;
  status: CheckStatus;
  /** What was seen (PASS), what is wrong (FAIL) or why it did not run (SKIP). */
  detail: string;
}

/** A start() as a check saw it: the keys it was given, and what it returned or threw. */
export interface StartRecord {
  keys: string[];
  loaded?: Loaded;
  error?: string;
}

/** A process the runner started, for the leftover check. */
export interface StartedProcess {
  pid: number;
  command: string;
}

/** A check's line from its problems: FAIL with every problem, else PASS with what was seen. */
export function verdict(name: string, problems: string[], seen: string): CheckResult {
  return problems.length > 0 ? { name, status: 'FAIL', detail: problems.join('; ') } : { name, status: 'PASS', detail: seen };
}

/** What info() must give: the runtime's name and version, the settings and the flags. */
export function infoProblems(info: TargetInfo | undefined): string[] {
  if (!info || typeof info !== 'object') return ['info() gave no object'];
  const problems: string[] = [];
  if (typeof info.runtime !== 'string' || info.runtime === '') problems.push('info().runtime is not a non-empty string');
  if (typeof info.version !== 'string' || info.version === '') problems.push('info().version is not a non-empty string');
  if (!info.settings || typeof info.settings !== 'object' || Array.isArray(info.settings)) problems.push('info().settings is not an object');
  if (!Array.isArray(info.flags) || info.flags.some((f) => typeof f !== 'string')) problems.push('info().flags is not a list of strings');
  return problems;
}

const LOOPBACK = new Set(['127.0.0.1', '::ffff:127.0.0.1']);

/**
 * Every route's URL is on 127.0.0.1, at a port that edgecompat or a process it started listens on,
 * and every socket those processes opened for listening is on 127.0.0.1.
 */
export function listenerProblems(urls: Map<string, string>, listeners: Listener[], commandOf: (pid: number) => string = () => ''): string[] {
  const problems: string[] = [];
  for (const [key, url] of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      problems.push(`the URL of ${key} is not a URL: ${JSON.stringify(url)}`);
      continue;
    }
    if (parsed.protocol !== 'http:' || parsed.hostname !== '127.0.0.1') {
      problems.push(`the URL of ${key} is ${url}, not http://127.0.0.1:<port>`);
      continue;
    }
    const port = Number(parsed.port || 80);
    if (!listeners.some((l) => l.port === port && LOOPBACK.has(l.address))) problems.push(`no process of edgecompat's (itself or one it started) listens on 127.0.0.1:${port}, the port of ${key}`);
  }
  for (const l of listeners) {
    if (!LOOPBACK.has(l.address)) problems.push(`pid ${l.pid} (${commandOf(l.pid) || 'gone'}) listens on ${l.address}:${l.port}, not on 127.0.0.1`);
  }
  return problems;
}

/** The processes still running after stop() (and a moment's grace), as problems. */
export function leftoverProblems(survivors: StartedProcess[]): string[] {
  return survivors.map((p) => `pid ${p.pid} (${p.command || 'unknown command'}) still runs after stop()`);
}

/** How a case's first response looked, in a few words. */
function answerOf(result: Result | undefined): string {
  if (result?.status === 'CRASH') return `CRASH (the target ended: ${result.observation.crashed ? describeExit({ ...result.observation.crashed, stderrTail: undefined }) : 'no exit'}, reported by exited())`;
  const step = result?.observation.steps[0];
  if (!step) return result ? `${result.status}: ${result.message}` : 'no result';
  if (step.status === undefined) return `no HTTP answer (${step.error ? `${step.error.name}: ${step.error.message}` : step.timedOut ? 'timed out' : 'nothing'})`;
  return `${step.status}${step.error ? `, then the body failed (${step.error.name})` : ''}`;
}

/**
 * load failures: the route that throws at load is in the `failures` of the start that was given it,
 * in the load phase and with its own message; the other routes of that start are served, and answer.
 */
export function loadFailureProblems(starts: StartRecord[], results: Map<string, Result>, keys: { throws: string; loads: string }, ids: { throws: string; loads: string }): string[] {
  const given = starts.filter((s) => s.keys.includes(keys.throws));
  if (given.length === 0) return ['no start() was given the route that throws at load'];
  const listed = given.find((s) => s.loaded?.failures.has(keys.throws));
  const problems: string[] = [];
  if (!listed) {
    const threw = given.find((s) => s.error !== undefined);
    const served = given.find((s) => s.loaded?.urls.has(keys.throws));
    problems.push(
      threw ? `start() threw instead of listing the route that throws at load in failures: ${threw.error}`
      : served ? 'start() served the route that throws at load instead of listing it in failures'
      : 'start() neither served the route that throws at load nor listed it in failures',
    );
    return problems;
  }
  const failure = listed.loaded!.failures.get(keys.throws)!;
  if (failure.phase !== 'load') problems.push(`its failure is in the ${failure.phase} phase, not load`);
  if (!failure.message.includes('edgecompat: thrown at load')) problems.push(`its failure does not carry the module's message: ${failure.name}: ${failure.message}`);
  for (const key of listed.keys.filter((k) => k !== keys.throws)) {
    if (!listed.loaded!.urls.has(key)) problems.push(`${key}, of the same start, was not served`);
  }
  const loads = results.get(ids.loads);
  if (loads?.status !== 'PASS') problems.push(`the route that loads: ${loads ? `${loads.status}: ${loads.message}` : 'no result'}`);
  return problems;
}

/**
 * throwing routes: each throwing route's request got an HTTP answer (a stream that errors may end the
 * body with an error), none took its target down (CRASH) or hung (TIMEOUT), edgecompat's own process
 * got no uncaught error from them, and a route run after them answered. The routes listed in
 * `mayCrash` may end their target where the runtime itself does so (edge-runtime's server ends its
 * process on a body stream that errors): that is the runtime's verdict, reported as CRASH because
 * exited() said so.
 */
export function throwingProblems(results: Map<string, Result>, throwing: Record<string, string>, after: string, uncaught: string[], mayCrash: string[] = []): string[] {
  const problems: string[] = [];
  for (const [label, id] of Object.entries(throwing)) {
    const result = results.get(id);
    if (!result) problems.push(`${label}: no result`);
    else if (result.status === 'CRASH' && mayCrash.includes(label)) continue;
    else if (['CRASH', 'TIMEOUT', 'ERROR'].includes(result.status)) problems.push(`${label}: ${result.status}: ${result.message}`);
    else if (result.observation.steps[0]?.status === undefined) problems.push(`${label}: ${answerOf(result)}`);
  }
  const last = results.get(after);
  if (last?.status !== 'PASS') problems.push(`the route run after them: ${last ? `${last.status}: ${last.message}` : 'no result'}`);
  for (const error of uncaught) problems.push(`edgecompat's own process got an uncaught error (a run would have died): ${error}`);
  return problems;
}

/** The answers of the throwing routes, for a PASS line. */
export function throwingSeen(results: Map<string, Result>, throwing: Record<string, string>): string {
  return Object.entries(throwing).map(([label, id]) => `${label}: ${answerOf(results.get(id))}`).join(', ');
}

/** isolation: neither route saw the global the other set. */
export function isolationProblems(results: Map<string, Result>, ids: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, id] of Object.entries(ids)) {
    const result = results.get(id);
    if (result?.status === 'PASS') continue;
    const body = result?.observation.steps[0]?.bodyExcerpt;
    if (result?.status === 'FAIL' && body !== undefined && body !== 'undefined') problems.push(`route ${name} sees a global another route set (typeof gave ${JSON.stringify(body)}): the routes share a global scope`);
    else problems.push(`route ${name}: ${result ? `${result.status}: ${result.message}` : 'no result'}`);
  }
  return problems;
}

/**
 * What `Runner.verified` must hold: `proves`, what the proof reads in words, for the report; `blindTo`,
 * a list of the hazards (`known`) the proof cannot read; and `open`, a function.
 */
export function verifiedHostingProblems(verified: unknown, known: readonly string[]): string[] {
  if (verified === null || typeof verified !== 'object') return ['verified is not an object'];
  const { proves, blindTo, open } = verified as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof proves !== 'string' || proves.trim() === '') problems.push('verified.proves is not a non-empty string (what the proof reads, in words, for the report)');
  if (!Array.isArray(blindTo)) problems.push(`verified.blindTo is not a list of hazards (${known.join(', ')})`);
  else for (const hazard of blindTo) if (!known.includes(hazard as string)) problems.push(`verified.blindTo names ${JSON.stringify(hazard)}, not a hazard (${known.join(', ')})`);
  if (typeof open !== 'function') problems.push('verified.open is not a function');
  return problems;
}

/** One route on a warm host, as the verified hosts check saw it: loaded, asked, then proven. */
export interface WarmStep {
  /** The route in words: "a route that sets a global at load". */
  route: string;
  /** What the proof after it must find: the host as it started, or a change. */
  leaves: 'nothing' | 'a change';
  /** What went wrong before the proof answered (a load, the request, a host that died or hung). */
  error?: string;
  /** What the proof said: the changes, none when the host is as it started. */
  changes?: string[];
}

/**
 * verified hosts: every route loaded and answered and its proof came; the proof after a route that
 * leaves nothing found no change, and the proof after one that changes its realm found one.
 */
export function warmStepProblems(steps: WarmStep[]): string[] {
  const problems: string[] = [];
  for (const step of steps) {
    if (step.error !== undefined) problems.push(`${step.route}: ${step.error}`);
    else if (!step.changes) problems.push(`${step.route}: no proof`);
    else if (step.leaves === 'nothing' && step.changes.length > 0) problems.push(`the proof after ${step.route} found changes, though the route changes nothing: ${step.changes.slice(0, 3).join('; ')}`);
    else if (step.leaves === 'a change' && step.changes.length === 0) problems.push(`the proof missed a change: after ${step.route} it found the host as it started`);
  }
  return problems;
}

/** What the proofs said, for a PASS line. */
export function warmStepsSeen(steps: WarmStep[]): string {
  return steps.map((s) => `${s.route}: ${!s.changes?.length ? 'no change' : `${s.changes.length} change(s), first ${JSON.stringify(s.changes[0].slice(0, 120))}`}`).join('; ');
}

/** An Exit in words. */
export function describeExit(exit: Exit): string {
  const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.exitCode}`;
  return exit.stderrTail ? `${how}, output ending ${JSON.stringify(exit.stderrTail.split('\n').slice(-1)[0].slice(0, 120))}` : how;
}

/** exit attribution: exited() resolved within the bound, saying how the process ended. */
export function exitProblems(exit: Exit | undefined, boundMs: number, ended: string): string[] {
  if (!exit) return [`exited() did not resolve within ${boundMs} ms after ${ended}`];
  if (exit.exitCode === null && exit.signal === null) return ['exited() resolved with neither an exit code nor a signal'];
  return [];
}

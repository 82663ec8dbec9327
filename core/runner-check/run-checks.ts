/**
 * `edgecompat check-runner`'s checks: a plug-in runner's column run against the runner contract
 * (runners/README.md) with the small suite of cases/runner-check.yaml, loaded and bundled as `run`
 * does. load failures, throwing routes and isolation run their cases through the real engine
 * (core/run/column.ts); lifecycle, verified hosts and exit attribution drive the runner's methods (and
 * its warm hosts') directly, since they test those methods; leftover processes are found by walking
 * /proc from edgecompat's pid.
 */
import { targetEnvironment } from '../../runners/host/target-env.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { runColumn } from '../run/column.ts';
import { loadCases } from '../cases/load-cases.ts';
import type { Result } from '../report/report-types.ts';
import { prepareRoute, type PreparedRoute } from '../run/route-modules.ts';
import type { Case } from '../types.ts';
import { runnerSettings } from '../../runners/size-limits.ts';
import type { Exit, Loaded, RouteModule, Runner, RunnerFactory, TargetConfig, TargetInfo, VerifiedHosting, WarmHost } from '../../runners/types.ts';
import { ALL_HAZARDS } from '../check/host-hazards.ts';
import {
  describeExit, exitProblems, infoProblems, isolationProblems, leftoverProblems, listenerProblems, loadFailureProblems,
  throwingProblems, throwingSeen, verdict, verifiedHostingProblems, warmStepProblems, warmStepsSeen, type CheckResult,
  type StartRecord, type StartedProcess, type WarmStep,
} from './judge.ts';
import { commandLine, isAlive, listenersOf, liveDescendants, type Listener } from '../../runners/host/proc.ts';
import { createClientAgent } from '../../runners/client-agent.ts';

/** The check-runner suite. */
export const CHECK_CASES = fileURLToPath(new URL('./cases/runner-check.yaml', import.meta.url));

/** How long exited() may take to resolve once the target's process has ended. */
export const EXIT_BOUND_MS = 5000;
/** How long start() may take (a runner that builds first may take long). */
const START_BOUND_MS = 120_000;
/** How long unavailable(), info() and stop() may take. */
const CALL_BOUND_MS = 30_000;
/** How long a process the runner started may take to disappear once stop() has resolved. */
const LEFTOVER_GRACE_MS = 1000;
/** How long a request of the direct checks may take. */
const REQUEST_MS = 10_000;

/** The names of the checks, in the order they run and print. */
export const CHECKS = ['lifecycle', 'load failures', 'throwing routes', 'isolation', 'verified hosts', 'exit attribution', 'no leftover processes'] as const;

/** What checkRunner needs. */
export interface CheckRunnerInput {
  /** The column to check: its name, runner and settings. */
  target: TargetConfig;
  /** The runner's factory (a plug-in's create). */
  factory: RunnerFactory;
  /** Diagnostics for humans (the runner's ctx.log). */
  log?(message: string): void;
  /** Called with each check's result as it is known. */
  onResult?(result: CheckResult): void;
}

/** Runs every check on the column; resolves with one result per check, in CHECKS order. */
export async function checkRunner(input: CheckRunnerInput): Promise<CheckResult[]> {
  const root = mkdtempSync(join(tmpdir(), 'edgecompat-check-runner-'));
  const log = input.log ?? (() => {});
  const results: CheckResult[] = [];
  const report = (result: CheckResult) => {
    results.push(result);
    input.onResult?.(result);
  };
  // A runner that hosts routes in edgecompat's own process hands their uncaught errors to it: they
  // are recorded (a run would have died of them) instead of ending the check.
  const uncaught: string[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onUncaught);
  /** A new runner of the column; runners made with the same `shared` map share what prepare() made, as a column's do. */
  const make = (shared: Map<string, unknown>): Runner => input.factory(runnerSettings(input.target), { workDir: mkdtempSync(join(root, 'runner-')), env: targetEnvironment(), log, shared });
  try {
    const cases = await loadCases([CHECK_CASES]);
    let first: Runner;
    try {
      first = make(new Map());
    } catch (error) {
      report({ name: 'lifecycle', status: 'FAIL', detail: `create(settings, ctx) threw: ${message(error)}` });
      for (const name of CHECKS.slice(1)) report({ name, status: 'SKIP', detail: 'not run: the runner could not be made' });
      return results;
    }
    const reason = await bounded(() => first.unavailable(), CALL_BOUND_MS, 'unavailable()').catch((error: unknown) => `unavailable() failed: ${message(error)}`);
    if (reason) {
      report({ name: 'lifecycle', status: 'FAIL', detail: `the runner is unavailable here: ${reason}` });
      for (const name of CHECKS.slice(1)) report({ name, status: 'SKIP', detail: 'not run: the runner is unavailable here' });
      return results;
    }
    const routes = new Map<string, PreparedRoute>();
    for (const c of cases) routes.set(c.id, await prepareRoute(c, first.bundling));
    const started: StartedProcess[] = [];
    const survivors: StartedProcess[] = [];
    const tracked = (outcome: { started: StartedProcess[]; survivors: StartedProcess[] }) => {
      started.push(...outcome.started);
      survivors.push(...outcome.survivors);
    };
    const lifecycle = await checkLifecycle(first, cases, routes, uncaught);
    tracked(lifecycle.processes);
    report(lifecycle.result);
    const suite = await runSuite(() => make(new Map()), cases, routes, log, uncaught);
    tracked(suite.processes);
    for (const result of suite.results) report(result);
    const verified = await checkVerified(make(new Map()), cases, routes);
    tracked(verified.processes);
    report(verified.result);
    const exit = await checkExit(make(new Map()), cases, routes, lifecycle.inProcess);
    tracked(exit.processes);
    report(exit.result);
    const seen = started.length === 0 ? 'the runner started no process of its own' : `the ${started.length} process(es) the runner was seen to start (pids ${started.map((p) => p.pid).join(', ')}) are gone after stop()`;
    report(verdict('no leftover processes', leftoverProblems(survivors), seen));
    return results;
  } finally {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
    rmSync(root, { recursive: true, force: true });
  }
}

/** Calls `call` (a runner method); rejects when it throws, or has not settled within `ms`. */
async function bounded<T>(call: () => T | Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(call), late]);
  } finally {
    clearTimeout(timer);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

/** The modules of the cases whose ids begin with `prefix`. */
function modulesOf(cases: Case[], routes: Map<string, PreparedRoute>, prefix: string): RouteModule[] {
  return cases.filter((c) => c.id.startsWith(prefix)).map((c) => routes.get(c.id)!.module);
}

/** A GET with a connection of its own; resolves with the status and body, or the error. */
async function get(url: string): Promise<{ status?: number; body?: string; error?: string }> {
  const agent = new Agent({ pipelining: 0 });
  try {
    const response = await request(url, { dispatcher: agent, signal: AbortSignal.timeout(REQUEST_MS) });
    return { status: response.statusCode, body: await response.body.text() };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { error: e.code ?? message(error) };
  } finally {
    await agent.destroy().catch(() => {});
  }
}

/** The listening sockets of edgecompat and its descendants, less those listed in `before`. */
function newListeners(before: Listener[]): Listener[] {
  const known = new Set(before.map((l) => `${l.pid} ${l.address} ${l.port}`));
  return listenersOf([process.pid, ...liveDescendants()]).filter((l) => !known.has(`${l.pid} ${l.address} ${l.port}`));
}

/** Stops the runner (or a warm host) and says which of the processes it started (not in `before`) outlive stop(). */
async function stopTracked(runner: Pick<Runner, 'stop'>, before: Set<number>): Promise<{ started: StartedProcess[]; survivors: StartedProcess[]; error?: string }> {
  const started = liveDescendants().filter((pid) => !before.has(pid)).map((pid) => ({ pid, command: commandLine(pid) }));
  let error: string | undefined;
  await bounded(() => runner.stop(), CALL_BOUND_MS, 'stop()').catch((e: unknown) => (error = message(e)));
  for (let waited = 0; waited < LEFTOVER_GRACE_MS && started.some((p) => isAlive(p.pid)); waited += 50) await sleep(50);
  return { started, survivors: started.filter((p) => isAlive(p.pid)), error };
}

/**
 * lifecycle: unavailable() (already asked), info(), stop() before start(), start() with up to two
 * routes (a URL each, on 127.0.0.1, each reaching its own route), stop() twice, nothing served after.
 */
async function checkLifecycle(runner: Runner, cases: Case[], routes: Map<string, PreparedRoute>, uncaught: string[]) {
  const problems: string[] = [];
  const seen: string[] = ['unavailable() undefined'];
  let inProcess = false;
  let processes: { started: StartedProcess[]; survivors: StartedProcess[]; error?: string } = { started: [], survivors: [] };
  const uncaughtBefore = uncaught.length;
  let info: TargetInfo | undefined;
  try {
    info = await bounded(() => runner.info(), CALL_BOUND_MS, 'info()');
    const wrong = infoProblems(info);
    problems.push(...wrong);
    if (wrong.length === 0) seen.push(`info() ${info.runtime} ${info.version}`);
  } catch (error) {
    problems.push(`info() failed: ${message(error)}`);
  }
  try {
    await bounded(() => runner.stop(), CALL_BOUND_MS, 'stop() before start()');
    seen.push('stop() before start() resolves');
  } catch (error) {
    problems.push(`stop() before start() failed: ${message(error)}`);
  }
  const max = Math.max(1, Math.min(2, runner.isolation?.maxRoutesPerStart ?? 2));
  const modules = modulesOf(cases, routes, 'runner-check/lifecycle/').slice(0, max);
  const bodies = new Map(modules.map((m) => [m.key, m.caseId.split('/').pop()!]));
  const before = new Set(liveDescendants());
  const listenersBefore = listenersOf([process.pid, ...before]);
  try {
    await bounded(() => runner.prepare?.(modules), START_BOUND_MS, 'prepare()');
    const loaded = await bounded(() => runner.start(modules), START_BOUND_MS, 'start()').catch((error: unknown) => {
      throw new Error(`start() failed: ${message(error)}`);
    });
    const listeners = newListeners(listenersBefore);
    inProcess = listeners.some((l) => l.pid === process.pid);
    for (const m of modules) {
      if (!loaded.urls.has(m.key)) problems.push(`start() gave no URL for ${m.key}${loaded.failures.has(m.key) ? ` (it lists it as failed: ${loaded.failures.get(m.key)!.message})` : ''}`);
    }
    problems.push(...listenerProblems(loaded.urls, listeners, commandLine));
    for (const [key, url] of loaded.urls) {
      const answer = await get(url);
      if (answer.status !== 200 || answer.body !== bodies.get(key)) problems.push(`GET ${url} (${key}) gave ${answer.error ?? `${answer.status} ${JSON.stringify(answer.body?.slice(0, 80))}`}, not 200 ${JSON.stringify(bodies.get(key))}`);
    }
    const ports = listeners.map((l) => `${l.address}:${l.port} (pid ${l.pid}${l.pid === process.pid ? ', edgecompat itself' : ''})`);
    seen.push(`start() served ${loaded.urls.size} route(s), each answering on its own URL; listening: ${ports.join(', ') || 'nothing'}`);
    processes = await stopTracked(runner, before);
    if (processes.error) problems.push(`stop() failed: ${processes.error}`);
    try {
      await bounded(() => runner.stop(), CALL_BOUND_MS, 'a second stop()');
    } catch (error) {
      problems.push(`a second stop() failed: ${message(error)}`);
    }
    for (const [key, url] of loaded.urls) {
      const answer = await get(url);
      if (answer.status !== undefined) problems.push(`${key} still answers at ${url} after stop() (${answer.status})`);
    }
    seen.push('stop() twice resolves; nothing answers after it');
  } catch (error) {
    problems.push(message(error));
    processes = await stopTracked(runner, before);
  }
  for (const error of uncaught.slice(uncaughtBefore)) problems.push(`edgecompat's own process got an uncaught error: ${error}`);
  return { result: verdict('lifecycle', problems, seen.join('; ')), inProcess, processes };
}

/** load failures, throwing routes and isolation: their cases through the engine, one case at a time. */
async function runSuite(make: () => Runner, cases: Case[], routes: Map<string, PreparedRoute>, log: (m: string) => void, uncaught: string[]) {
  const chosen = cases.filter((c) => /^runner-check\/(load|throwing|isolation)\//.test(c.id));
  const starts: StartRecord[] = [];
  const before = new Set(liveDescendants());
  // The processes the runners started, as seen once each start() returned.
  const seen = new Map<number, string>();
  const look = () => {
    for (const pid of liveDescendants()) if (!before.has(pid) && !seen.has(pid)) seen.set(pid, commandLine(pid));
  };
  const made = new Map<number, Runner>();
  const runnerFor = (n: number): Runner => {
    if (!made.has(n)) made.set(n, recordStarts(make(), starts, look));
    return made.get(n)!;
  };
  const results = new Map<string, Result>();
  const agent = createClientAgent();
  const uncaughtBefore = uncaught.length;
  try {
    await runColumn({
      target: 'check-runner', isolation: 'fresh', runnerFor, cases: chosen, route: async (c) => routes.get(c.id)!, release: () => {}, concurrency: 1, agent, signal: new AbortController().signal,
      expected: () => 'PASS', onResult: (r) => results.set(r.caseId, r), log,
    });
  } finally {
    await agent.close();
  }
  // Every runner the engine made is stopped by now: whatever they started must be gone.
  for (let waited = 0; waited < LEFTOVER_GRACE_MS && liveDescendants().some((pid) => !before.has(pid)); waited += 50) await sleep(50);
  const left = liveDescendants().filter((pid) => !before.has(pid)).map((pid) => ({ pid, command: commandLine(pid) }));
  const key = (id: string) => routes.get(id)!.module.key;
  const load = { throws: 'runner-check/load/throws-at-load', loads: 'runner-check/load/loads' };
  const throwing = { 'sync throw': 'runner-check/throwing/sync-throw', rejection: 'runner-check/throwing/rejects', 'stream error': 'runner-check/throwing/stream-errors' };
  const isolation = { a: 'runner-check/isolation/a', b: 'runner-check/isolation/b' };
  const failure = starts.flatMap((s) => (s.loaded?.failures.has(key(load.throws)) ? [s.loaded.failures.get(key(load.throws))!] : []))[0];
  const together = (ids: string[]) => starts.some((s) => ids.every((id) => s.keys.includes(key(id))));
  return {
    results: [
      verdict('load failures', loadFailureProblems(starts, results, { throws: key(load.throws), loads: key(load.loads) }, load),
        `a route that throws at load is in failures (${failure?.name}: ${failure?.message}, phase ${failure?.phase}); ${together([load.throws, load.loads]) ? 'the route of the same start loads and answers' : 'the route loaded on its own answers'}`),
      verdict('throwing routes', throwingProblems(results, throwing, 'runner-check/throwing/still-served', uncaught.slice(uncaughtBefore), ['stream error']),
        `${throwingSeen(results, throwing)}; ${together([throwing['sync throw'], 'runner-check/throwing/still-served']) ? 'a route of the same start' : 'a route'} answered after them`),
      verdict('isolation', isolationProblems(results, isolation),
        `a global set by one route is not seen by another (${together(Object.values(isolation)) ? 'both loaded in one start' : 'each route in a start of its own'}: ${made.size} runner(s) for ${chosen.length} routes)`),
    ],
    processes: { started: [...seen].map(([pid, command]) => ({ pid, command })), survivors: left },
  };
}

/** Wraps a runner so that every start() is recorded with what it was given and what it gave, and `started` called after it. */
function recordStarts(runner: Runner, starts: StartRecord[], started: () => void): Runner {
  const start = async (modules: RouteModule[]): Promise<Loaded> => {
    const record: StartRecord = { keys: modules.map((m) => m.key) };
    starts.push(record);
    try {
      record.loaded = await bounded(() => runner.start(modules), START_BOUND_MS, 'start()');
      return record.loaded;
    } catch (error) {
      record.error = message(error);
      throw error;
    } finally {
      started();
    }
  };
  // Every other member is the runner's own, called on the runner itself.
  return new Proxy(runner, {
    get(target, property) {
      if (property === 'start') return start;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A route of the verified hosts check: what it does in words, the path it is asked at, and what its proof must find. */
interface WarmPlan {
  module: RouteModule;
  route: string;
  path: string;
  leaves: WarmStep['leaves'];
}

/**
 * verified hosts, for a runner that offers warm hosts (SKIP otherwise): `proves` and `blindTo` are
 * well formed; on one warm host a clean route's proof finds nothing and then a route that sets a
 * global at load leaves a change its proof finds; on a second, so is a route that swaps a method of
 * Response.prototype when asked. A host that fails to open, dies, hangs or answers wrong fails the
 * check, naming it; each host's stop() leaves none of its processes running.
 */
async function checkVerified(runner: Runner, cases: Case[], routes: Map<string, PreparedRoute>) {
  const name = 'verified hosts';
  const verified = runner.verified;
  if (verified === undefined) return { result: { name, status: 'SKIP' as const, detail: 'the runner offers no warm hosts (Runner.verified): its columns run every case with fresh isolation' }, processes: { started: [], survivors: [] } };
  const malformed = verifiedHostingProblems(verified, ALL_HAZARDS);
  if (malformed.length > 0) return { result: verdict(name, malformed, ''), processes: { started: [], survivors: [] } };
  const module = (id: string) => modulesOf(cases, routes, `runner-check/verified/${id}`)[0];
  const hosts: WarmPlan[][] = [
    [
      { module: module('clean'), route: 'a clean route', path: '/', leaves: 'nothing' },
      { module: module('sets-a-global'), route: 'a route that sets a global at load', path: '/', leaves: 'a change' },
    ],
    [{ module: module('patches-response'), route: 'a route that swaps a method of Response.prototype when asked', path: '/patch', leaves: 'a change' }],
  ];
  const problems: string[] = [];
  const steps: WarmStep[] = [];
  const started: StartedProcess[] = [];
  const survivors: StartedProcess[] = [];
  const before = new Set(liveDescendants());
  try {
    await bounded(() => runner.prepare?.(hosts.flat().map((p) => p.module)), START_BOUND_MS, 'prepare()');
    for (const plan of hosts) {
      const host = await onWarmHost(verified, plan, steps);
      if (host.error) problems.push(host.error);
      started.push(...host.processes.started);
      survivors.push(...host.processes.survivors);
      problems.push(...leftoverProblems(host.processes.survivors).map((p) => `after the warm host's stop(), ${p}`));
      if (host.processes.error) problems.push(`the warm host's stop() failed: ${host.processes.error}`);
      if (problems.length > 0) break;
    }
  } catch (error) {
    problems.push(message(error));
  }
  const stopped = await stopTracked(runner, before);
  problems.push(...warmStepProblems(steps));
  const seen = `blind to ${verified.blindTo.join(', ') || 'nothing'}; ${warmStepsSeen(steps)}; ${hosts.length} warm hosts, each one's processes gone after its stop()`;
  return { result: verdict(name, problems, seen), processes: { started: [...started, ...stopped.started], survivors: [...survivors, ...stopped.survivors] } };
}

/**
 * Opens a warm host of the plan's routes and, one route at a time, loads it, asks it (200 and the
 * case's own body), and proves the host, recording each step; a step that fails ends the host's
 * turn. The host is stopped, and its processes tracked, whatever happened.
 */
async function onWarmHost(verified: VerifiedHosting, plan: WarmPlan[], steps: WarmStep[]): Promise<{ error?: string; processes: Awaited<ReturnType<typeof stopTracked>> }> {
  const before = new Set(liveDescendants());
  let host: WarmHost;
  try {
    host = await bounded(() => verified.open(plan.map((p) => p.module)), START_BOUND_MS, 'verified.open()');
  } catch (error) {
    return { error: `verified.open() failed: ${message(error)}`, processes: await stopTracked({ stop: async () => {} }, before) };
  }
  // A host that ends during a step fails it, whatever the step was waiting for.
  const died = host.exited().then((exit): never => {
    throw new Error(`the warm host exited (${describeExit(exit)})`);
  });
  died.catch(() => {});
  for (const { module, route, path, leaves } of plan) {
    const step: WarmStep = { route, leaves };
    steps.push(step);
    const key = module.key;
    const body = module.caseId.split('/').pop();
    const work = (async () => {
      const loaded = await bounded(() => host.load(key), START_BOUND_MS, `load(${JSON.stringify(key)})`);
      const url = loaded.urls.get(key);
      if (!url) throw new Error(`load() did not serve it${loaded.failures.has(key) ? `: ${loaded.failures.get(key)!.message}` : ''}`);
      const answer = await get(`${url}${path === '/' ? '' : path}`);
      if (answer.status !== 200 || answer.body !== body) throw new Error(`GET ${path} gave ${answer.error ?? `${answer.status} ${JSON.stringify(answer.body?.slice(0, 80))}`}, not 200 ${JSON.stringify(body)}`);
      return bounded(() => host.prove(key), CALL_BOUND_MS, `prove(${JSON.stringify(key)})`);
    })();
    work.catch(() => {}); // when the host's exit wins the race, the step's own failure comes later
    try {
      step.changes = await Promise.race([died, work]);
    } catch (error) {
      step.error = message(error);
      break;
    }
  }
  return { processes: await stopTracked(host, before) };
}

/**
 * exit attribution: a route that ends its process (exit code 7; where the runtime gives a route no
 * way to, edgecompat kills the process serving it); exited() must resolve within EXIT_BOUND_MS with
 * the exit. A runner that serves routes from edgecompat's own process cannot pass: its route would
 * end edgecompat itself.
 */
async function checkExit(runner: Runner, cases: Case[], routes: Map<string, PreparedRoute>, inProcess: boolean) {
  const name = 'exit attribution';
  const [module] = modulesOf(cases, routes, 'runner-check/exit/');
  const before = new Set(liveDescendants());
  const listenersBefore = listenersOf([process.pid, ...before]);
  const fail = async (detail: string) => ({ result: { name, status: 'FAIL' as const, detail }, processes: await stopTracked(runner, before) });
  if (inProcess) return fail(`the runner serves routes from edgecompat's own process (pid ${process.pid}): a route that ends its process would end edgecompat and the whole run, and no exit could be reported`);
  let loaded: Loaded;
  try {
    await bounded(() => runner.prepare?.([module]), START_BOUND_MS, 'prepare()');
    loaded = await bounded(() => runner.start([module]), START_BOUND_MS, 'start()');
  } catch (error) {
    return fail(`start() failed: ${message(error)}`);
  }
  const url = loaded.urls.get(module.key);
  if (!url) return fail(`start() did not serve the route${loaded.failures.has(module.key) ? `: ${loaded.failures.get(module.key)!.message}` : ''}`);
  const port = Number(new URL(url).port || 80);
  const holder = newListeners(listenersBefore).find((l) => l.port === port)?.pid;
  if (holder === process.pid) return fail(`the route is served from edgecompat's own process (pid ${process.pid}): ending its process would end edgecompat`);
  let exit: Exit | undefined;
  let exitAt = 0;
  const exited = runner.exited().then((e) => {
    exit = e;
    exitAt = performance.now();
  });
  const answer = await get(`${url}/exit`);
  const since = performance.now();
  // The route ends its process where it can; else (or if it did not) the process serving it is killed.
  for (let waited = 0; holder !== undefined && waited < 1000 && isAlive(holder); waited += 50) await sleep(50);
  let ended = answer.status === undefined ? 'the route ended its process' : `the route answered ${answer.status}`;
  if (holder !== undefined && isAlive(holder)) {
    process.kill(holder, 'SIGKILL');
    ended += `, and edgecompat killed the process serving it (pid ${holder})`;
  } else if (holder === undefined && answer.status !== undefined) {
    return fail(`the route answered ${answer.status} and no process of edgecompat's listens on its port ${port}, so none could be ended`);
  }
  await Promise.race([exited, sleep(EXIT_BOUND_MS)]);
  const after = Math.max(0, Math.round(exitAt - since));
  const processes = await stopTracked(runner, before);
  return { result: verdict(name, exitProblems(exit, EXIT_BOUND_MS, ended), `${ended}; exited() resolved ${after} ms after the request, with ${exit ? describeExit(exit) : ''}`), processes };
}

/**
 * What the node, edge-runtime, Deno and Bun runners share: one runtime process hosts every route,
 * each on its own server (see host-common.mjs), and reports which route listens on which port plus
 * the load failures, in the control protocol of kit/control-protocol.ts: over Node-style IPC
 * (`process.send`; all four speak it when spawned with an 'ipc' stdio entry), or as JSON lines on
 * fd 3 for the runner kit. This module waits for a started host's report and wraps that lifecycle
 * as a Runner (host-entry.ts writes the files and spawns the process); with `verified`, its warm
 * hosts too (warm-process.ts).
 */
import { once } from 'node:events';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { findBinary } from './binaries.ts';
import { CONTROL_FD, DEFAULT_START_TIMEOUT_MS, spawnHost, writeEntry, writeHostFiles, writeRouteFiles, type ControlTransport } from './host-entry.ts';
import { spawnTarget, type TargetProcess } from './process.ts';
import { LoadFault } from '../load-fault.ts';
import { checkMessage, ControlLineReader, readyToLoaded, type ParsedMessage } from '../kit/control-protocol.ts';
import { isNodeBuiltin, moduleImports } from '../bundling/module-imports.ts';
import type { Bundling, Exit, Hazard, Isolation, Loaded, RouteModule, Runner, RunnerContext, TargetInfo, WarmHost } from '../types.ts';
import { openWarmHost } from './warm-process.ts';

/** How long a host that exited may take to close its output pipes before its output is read. */
const OUTPUT_DRAIN_MS = 500;

/** How long a host that closed its control channel before ready may take to exit, so its exit is what is reported. */
const CHANNEL_CLOSED_GRACE_MS = 1000;

/**
 * Waits for a spawned host's ready message. The host says which route it loads before loading it;
 * each route has its own load timeout (`loadTimeoutMs`), so a route that never finishes loading, or
 * takes the process down while loading, is named in a LoadFault. A malformed message (see
 * kit/control-protocol.ts) fails the start with the line. The process is killed whenever this fails.
 */
export async function awaitReady(proc: TargetProcess, options: { command: string; routes: RouteModule[]; timeoutMs?: number; control?: ControlTransport }): Promise<Loaded> {
  const { command } = options;
  const startTimeoutMs = options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const loadTimeout = new Map(options.routes.map((r) => [r.key, r.loadTimeoutMs ?? startTimeoutMs]));
  const keys = new Set(loadTimeout.keys());
  let timer: NodeJS.Timeout | undefined;
  let loading: string | undefined;
  let settled = false;
  try {
    return await new Promise<Loaded>((resolve, reject) => {
      const arm = (ms: number, fail: () => Error) => {
        clearTimeout(timer);
        timer = setTimeout(() => reject(fail()), ms);
      };
      arm(startTimeoutMs, () => new Error(`${command} did not start loading its routes within ${startTimeoutMs} ms:\n${proc.outputTail()}`));
      const take = (parsed: ParsedMessage, line?: { number: number; text: string }) => {
        if (settled) return;
        if ('error' in parsed) {
          const where = line ? ` (control line ${line.number}: ${JSON.stringify(line.text.slice(0, 200))})` : '';
          reject(new Error(`${command} sent a malformed control message${where}: ${parsed.error}`));
          return;
        }
        if ('ignored' in parsed) return;
        const message = parsed.message;
        if (message.type === 'ready') {
          resolve(readyToLoaded(message));
          return;
        }
        const ms = loadTimeout.get(message.key) ?? startTimeoutMs;
        loading = message.key;
        arm(ms, () => new LoadFault(`the route did not finish loading within ${ms} ms`, 'timeout', message.key, undefined, ms));
      };
      if (options.control === 'fd') {
        const channel = proc.child.stdio[CONTROL_FD] as Readable | null | undefined;
        if (!channel) throw new Error(`${command} was spawned without a control channel on fd ${CONTROL_FD}`);
        const reader = new ControlLineReader(keys, take);
        channel.on('error', () => {}); // the host's exit says what happened
        channel.on('data', (chunk: Buffer) => reader.push(chunk));
        channel.once('end', () => {
          reader.end();
          if (!settled) setTimeout(() => reject(new Error(`${command} closed its control channel (fd ${CONTROL_FD}) before it was ready:\n${proc.outputTail()}`)), CHANNEL_CLOSED_GRACE_MS).unref();
        });
      } else {
        proc.child.on('message', (message: unknown) => take(checkMessage(message, keys)));
      }
      void proc.exited.then(async (exited) => {
        // 'exit' may come before the last of the output: give the pipes a moment to close.
        await Promise.race([once(proc.child, 'close'), sleep(OUTPUT_DRAIN_MS)]);
        const exit = { ...exited, stderrTail: proc.outputTail().trim() || undefined };
        const how = `code ${exit.exitCode}, signal ${exit.signal}`;
        if (loading) reject(new LoadFault(`${command} exited (${how}) while loading the route${exit.stderrTail ? `:\n${exit.stderrTail}` : ''}`, 'exit', loading, exit));
        else reject(new Error(`${command} exited before its routes were ready (${how})${exit.stderrTail ? `:\n${exit.stderrTail}` : ''}`));
      });
    });
  } catch (error) {
    // A route that hangs its host gets no grace: the process is stuck either way.
    await proc.kill(error instanceof LoadFault ? 0 : undefined);
    throw error;
  } finally {
    settled = true;
    clearTimeout(timer);
  }
}

/** Spawns `command args` with its control channel and waits for the host's ready message (see awaitReady). */
export async function startHost(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; routes: RouteModule[]; timeoutMs?: number; control?: ControlTransport }): Promise<{ proc: TargetProcess; loaded: Loaded }> {
  const proc = spawnHost(command, args, options);
  return { proc, loaded: await awaitReady(proc, { ...options, command }) };
}

/** Runs `command --version` and returns group 1 of `pattern` matched against what it prints. */
export async function runtimeVersion(command: string, pattern: RegExp, env: NodeJS.ProcessEnv): Promise<string> {
  const proc = spawnTarget(command, ['--version'], { env });
  const closed = new Promise((resolve) => proc.child.once('close', resolve));
  const exit = await proc.exited;
  await closed; // 'exit' may come before the last of stdout; 'close' comes after it.
  const match = pattern.exec(proc.outputTail());
  if (exit.exitCode !== 0 || !match) throw new Error(`${command} --version gave no version (code ${exit.exitCode}): ${proc.outputTail()}`);
  return match[1];
}

/** What differs between runtimes that host routes this way. */
export interface IpcHostSpec {
  /** The runtime's name in the matrix, also the binary's name for findBinary. */
  runtime: string;
  /** The binary to run, when it is not found by findBinary(runtime) (node runs edgecompat's own). */
  command?: string;
  /** Why the runtime cannot run, when that is not a missing binary. */
  unavailable?: () => Promise<string | undefined>;
  /** The runtime's version, when `<binary> --version` does not give it. */
  version?: () => Promise<string>;
  /** Turns a route into what the host imports (edge-runtime: a module exporting a classic script). */
  prepare?: (route: RouteModule) => Promise<RouteModule>;
  /** The host script the entry imports (the runtime's host.mjs). */
  hostScript: string;
  /** Options handed to the host as `host(loaders, options)`. */
  hostOptions?: Record<string, unknown>;
  /** The runtime's arguments to run an entry module. */
  args(entry: string): string[];
  /** Environment added to the context's for every process of this runtime. */
  env?: NodeJS.ProcessEnv;
  /** Extracts the version from `<binary> --version` (group 1). */
  versionPattern?: RegExp;
  /** The column's settings, as info() reports them. */
  settings: Record<string, unknown>;
  /** The flags info() shows for the column. */
  flags: string[];
  /** How long start() waits for the host to start, and for a route with no load timeout of its own. */
  startTimeoutMs?: number;
  /** How routes are bundled for this runtime (see bundling.ts). */
  bundling: Bundling;
  /** How routes are kept apart (a process per route, a context per route ...). */
  isolation: Isolation;
  /** Warm hosts (verified isolation): what the runtime's proof reads, and what it cannot. */
  verified?: { proves: string; blindTo: Hazard[] };
}

/**
 * The Node built-ins the routes import, as `node:` specifiers: a warm host loads them before its
 * baseline. `known` keeps each route's by key, so routes that many hosts are opened for are read once.
 */
export async function importedBuiltins(routes: RouteModule[], known = new Map<string, string[]>()): Promise<string[]> {
  const found = new Set<string>();
  for (const route of routes) {
    let mine = known.get(route.key);
    if (!mine) {
      mine = [];
      try {
        for (const { path } of await moduleImports(route.source, 'js')) if (isNodeBuiltin(path)) mine.push(path.startsWith('node:') ? path : `node:${path}`);
      } catch {
        // a route that does not parse fails its own load
      }
      known.set(route.key, mine);
    }
    for (const specifier of mine) found.add(specifier);
  }
  return [...found].sort();
}

/** A Runner around one host process per start(), for runtimes that speak Node-style IPC. */
export function ipcHostRunner(spec: IpcHostSpec, ctx: RunnerContext): Runner {
  const env = { ...ctx.env, ...spec.env };
  let current: { proc: TargetProcess; stopped: boolean } | undefined;
  let exited: Promise<Exit> = new Promise(() => {});
  let version: string | undefined;

  const binary = (): string => {
    if (spec.command) return spec.command;
    const found = findBinary(spec.runtime, ctx.env);
    if ('missing' in found) throw new Error(found.missing);
    return found.path;
  };

  // Warm hosts share one folder of route files (each written once); each host has its own entry.
  const warmRoutes = join(ctx.workDir, 'warm-routes');
  const written = new Set<string>();
  const builtinsOf = new Map<string, string[]>();

  const stop = async (): Promise<void> => {
    const running = current;
    current = undefined;
    if (!running) return;
    running.stopped = true;
    await running.proc.kill();
  };

  return {
    bundling: spec.bundling,
    isolation: spec.isolation,
    outputCursor: () => current?.proc.outputCursor() ?? 0,
    outputSince: (cursor) => current?.proc.outputSince(cursor) ?? '',

    async unavailable() {
      if (spec.unavailable) return spec.unavailable();
      if (spec.command) return undefined;
      const found = findBinary(spec.runtime, ctx.env);
      return 'missing' in found ? found.missing : undefined;
    },

    async info(): Promise<TargetInfo> {
      version ??= spec.version ? await spec.version() : await runtimeVersion(binary(), spec.versionPattern ?? /(\S+)/, env);
      return { runtime: spec.runtime, version, settings: { ...spec.settings }, flags: [...spec.flags] };
    },

    async start(routes: RouteModule[]): Promise<Loaded> {
      // 1. One process per start: stop whatever an earlier start left running.
      await stop();
      // 2. Write the routes and the entry that hands them to the host.
      const prepared = spec.prepare ? await Promise.all(routes.map(spec.prepare)) : routes;
      const entry = await writeHostFiles(ctx.workDir, prepared, spec.hostScript, spec.hostOptions);
      // 3. Spawn the runtime and wait for its { key -> port } report.
      const started = await startHost(binary(), spec.args(entry), { cwd: ctx.workDir, env, routes: prepared, timeoutMs: spec.startTimeoutMs });
      const run = { proc: started.proc, stopped: false };
      current = run;
      // 4. Report an exit only when stop() did not ask for it.
      exited = run.proc.exited.then((exit) => (run.stopped ? new Promise<Exit>(() => {}) : exit));
      ctx.log(`${spec.runtime}: ${started.loaded.urls.size} routes served, ${started.loaded.failures.size} failed to load`);
      return started.loaded;
    },

    exited: () => exited,
    stop,

    verified: spec.verified && {
      ...spec.verified,
      async open(routes: RouteModule[]): Promise<WarmHost> {
        // Each host in a folder of its own, whose entry is its main module (Deno keeps Web Storage per main module).
        const dir = await mkdtemp(join(ctx.workDir, 'warm-'));
        const prepared = spec.prepare ? await Promise.all(routes.map(spec.prepare)) : routes;
        await mkdir(warmRoutes, { recursive: true });
        await writeRouteFiles(warmRoutes, prepared.filter((r) => !written.has(r.key)));
        for (const route of prepared) written.add(route.key);
        const builtins = await importedBuiltins(routes, builtinsOf);
        const entry = await writeEntry(dir, warmRoutes, prepared, spec.hostScript, { ...spec.hostOptions, warm: true, builtins });
        return openWarmHost(binary(), spec.args(entry), { cwd: dir, env, routes: prepared, timeoutMs: spec.startTimeoutMs });
      },
    },
  };
}

/**
 * What the node, edge-runtime, Deno and Bun runners share: one runtime process hosts every route,
 * each on its own server (see host-common.mjs), and reports `{ key -> port }` plus load failures
 * over Node-style IPC (`process.send`; all four speak it when spawned with an 'ipc' stdio entry). This module writes the route
 * modules and the entry that starts the host, spawns the process, waits for its report, and wraps
 * that lifecycle as a Runner.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findBinary } from './binaries.ts';
import { spawnTarget, type TargetProcess } from './process.ts';
import type { Exit, Loaded, LoadFailure, RouteModule, Runner, RunnerContext, TargetInfo } from './types.ts';

/** The one message a host sends: which route listens on which port, and why the others do not. */
export interface ReadyMessage {
  type: 'ready';
  ports: Record<string, number>;
  failures: Record<string, { name: string; message: string }>;
}

/** How long a host may take to import its routes and listen before start() gives up. */
export const DEFAULT_START_TIMEOUT_MS = 30_000;

/** The entry's file name; `_` cannot occur in a route key, so it never collides with a route. */
const ENTRY_FILE = '_entry.mjs';

/**
 * Writes each route as `<key>.mjs` in workDir and an entry module that imports `hostScript` and
 * hands it one literal `import('./<key>.mjs')` per route. Literal specifiers are statically
 * analyzable, so Deno loads them without --allow-read; each import is still evaluated on its own,
 * so a route that fails to load fails alone. Returns the entry's path.
 */
export async function writeHostFiles(workDir: string, routes: RouteModule[], hostScript: string, options: Record<string, unknown> = {}): Promise<string> {
  for (const route of routes) {
    if (!/^[a-z0-9-]+$/.test(route.key)) throw new Error(`route key ${JSON.stringify(route.key)} (case ${route.caseId}) is not made of [a-z0-9-]`);
    await writeFile(join(workDir, `${route.key}.mjs`), route.source);
  }
  const loaders = routes.map((route) => `  ${JSON.stringify(route.key)}: () => import(${JSON.stringify(`./${route.key}.mjs`)}),`);
  const entry = [
    `import { host } from ${JSON.stringify(pathToFileURL(hostScript).href)};`,
    `await host({\n${loaders.join('\n')}\n}, ${JSON.stringify(options)});`,
    '',
  ].join('\n');
  const entryPath = join(workDir, ENTRY_FILE);
  await writeFile(entryPath, entry);
  return entryPath;
}

// Deno colours some error messages (module resolution hints) even on a pipe.
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPES = /\u001b\[[0-9;]*m/g;

/** The host's report as the runner interface's Loaded, with a base URL per served route. */
export function toLoaded(message: ReadyMessage): Loaded {
  const urls = new Map<string, string>();
  const failures = new Map<string, LoadFailure>();
  for (const [key, port] of Object.entries(message.ports)) urls.set(key, `http://127.0.0.1:${port}`);
  for (const [key, { name, message: text }] of Object.entries(message.failures)) failures.set(key, { name, message: text.replace(ANSI_ESCAPES, ''), phase: 'load' });
  return { urls, failures };
}

/**
 * Spawns `command args` with an IPC channel and waits for the host's ready message. Rejects (and
 * kills the process) when the process exits first or the timeout passes, with its output tail.
 */
export async function startHost(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<{ proc: TargetProcess; loaded: Loaded }> {
  const proc = spawnTarget(command, args, { cwd: options.cwd, env: options.env, extraStdio: ['ipc'] });
  const timeoutMs = options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    const message = await new Promise<ReadyMessage>((resolve, reject) => {
      proc.child.on('message', (message: ReadyMessage) => {
        if (message?.type === 'ready') resolve(message);
      });
      void proc.exited.then((exit) => reject(new Error(`${command} exited before its routes were ready (code ${exit.exitCode}, signal ${exit.signal})${exit.stderrTail ? `:\n${exit.stderrTail}` : ''}`)));
      timer = setTimeout(() => reject(new Error(`${command} did not report its routes within ${timeoutMs} ms:\n${proc.outputTail()}`)), timeoutMs);
    });
    return { proc, loaded: toLoaded(message) };
  } catch (error) {
    await proc.kill();
    throw error;
  } finally {
    clearTimeout(timer);
  }
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
  /** How long start() waits for the host's report. */
  startTimeoutMs?: number;
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

  const stop = async (): Promise<void> => {
    const running = current;
    current = undefined;
    if (!running) return;
    running.stopped = true;
    await running.proc.kill();
  };

  return {
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
      const started = await startHost(binary(), spec.args(entry), { cwd: ctx.workDir, env, timeoutMs: spec.startTimeoutMs });
      const run = { proc: started.proc, stopped: false };
      current = run;
      // 4. Report an exit only when stop() did not ask for it.
      exited = run.proc.exited.then((exit) => (run.stopped ? new Promise<Exit>(() => {}) : exit));
      ctx.log(`${spec.runtime}: ${started.loaded.urls.size} routes served, ${started.loaded.failures.size} failed to load`);
      return started.loaded;
    },

    exited: () => exited,
    stop,
  };
}

/**
 * The Deno runner: each route in a `deno run` process of its own, on its own `Deno.serve` on
 * 127.0.0.1 (see host.mjs), with the fewest permissions that let routes be served: net for
 * 127.0.0.1:0 only (its own listeners; a route cannot reach even another route's port), no read
 * (routes are literal imports, see ipc-route-host.ts), nothing else, and never a prompt.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLING } from '../bundling/platform-bundling.ts';
import { ipcHostRunner } from '../host/ipc-route-host.ts';
import type { RunnerContext, RunnerFactory } from '../types.ts';

const HOST_SCRIPT = fileURLToPath(new URL('./host.mjs', import.meta.url));

/** The permissions every route runs with; the matrix shows them as the column's flags. */
export const DENO_PERMISSION_FLAGS: readonly string[] = ['--no-prompt', '--allow-net=127.0.0.1:0'];

/** Flags that keep Deno from reading config or lock files, or fetching npm or remote modules. */
export const DENO_ISOLATION_FLAGS: readonly string[] = ['--no-config', '--no-lock', '--no-remote', '--no-npm'];

/** Settings of a Deno column. */
export interface DenoSettings {
  /** More `deno run` flags (e.g. `--unstable-kv`, another permission), after the defaults. */
  flags?: string[];
  /** How long start() waits for every route to be imported and listening. */
  startTimeoutMs?: number;
}

/** The `deno run` arguments for an entry module, given the column's settings. */
export function denoArgs(entry: string, settings: DenoSettings = {}): string[] {
  return ['run', ...DENO_ISOLATION_FLAGS, ...DENO_PERMISSION_FLAGS, ...(settings.flags ?? []), entry];
}

/**
 * The column's DENO_DIR, one for all its runners, in the first runner's folder, so nothing of a run is
 * left in the user's Deno cache. Shared, because a fresh one per route made each route's process
 * build Deno's caches (module analysis, V8 code cache) from nothing: about 100 ms of CPU per start
 * instead of 45. What a route could see of it stays its own: Deno keeps a route's Cache API storage
 * (and localStorage) under location_data/, keyed by the hash of the main module, and every route's
 * main module is the entry in its runner's own folder (checked by hand with deno 2.9.6: a route puts
 * into caches.open('x'); a route with another main module and the same DENO_DIR gets caches.has('x')
 * false and caches.match() undefined).
 */
function columnDenoDir(ctx: RunnerContext): string {
  const dir = (ctx.shared?.get('deno-dir') as string | undefined) ?? join(ctx.workDir, 'deno-dir');
  ctx.shared?.set('deno-dir', dir);
  return dir;
}

/** Creates the runner for one Deno column. */
export const createDenoRunner: RunnerFactory = (rawSettings, ctx) => {
  const settings = rawSettings as DenoSettings;
  return ipcHostRunner(
    {
      runtime: 'deno',
      hostScript: HOST_SCRIPT,
      args: (entry) => denoArgs(entry, settings),
      env: { DENO_NO_UPDATE_CHECK: '1', DENO_DIR: columnDenoDir(ctx) },
      versionPattern: /^deno (\S+)/m,
      settings: rawSettings,
      flags: [...DENO_PERMISSION_FLAGS, ...(settings.flags ?? [])],
      startTimeoutMs: settings.startTimeoutMs,
      bundling: BUNDLING.deno,
      // A Web Worker would show worker globals (postMessage, close) that a deployed route does not have.
      isolation: { description: 'a process per route', maxRoutesPerStart: 1 },
      verified: {
        proves: 'the object graph from globalThis, Deno and the Node built-ins the routes import; the exit code, open timers and handles, performance entries, the Cache API and Web Storage',
        blindTo: ['global-listeners', 'code-from-strings', 'node-builtins'],
      },
    },
    ctx,
  );
};

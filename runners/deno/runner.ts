/**
 * The Deno runner: each route in a `deno run` process of its own, on its own `Deno.serve` on
 * 127.0.0.1 (see host.mjs), with the fewest permissions that let routes be served: net for
 * 127.0.0.1:0 only (its own listeners; a route cannot reach even another route's port), no read
 * (routes are literal imports, see ipc-route-host.ts), nothing else, and never a prompt.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLING } from '../bundling.ts';
import { ipcHostRunner } from '../ipc-route-host.ts';
import type { RunnerFactory } from '../types.ts';

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

/** Creates the runner for one Deno column. */
export const createDenoRunner: RunnerFactory = (rawSettings, ctx) => {
  const settings = rawSettings as DenoSettings;
  return ipcHostRunner(
    {
      runtime: 'deno',
      hostScript: HOST_SCRIPT,
      args: (entry) => denoArgs(entry, settings),
      // DENO_DIR in the column's own folder: Deno keeps a route's Cache API storage (and more) there,
      // keyed by its main module, so nothing of a run is left in the user's Deno cache.
      env: { DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(ctx.workDir, 'deno-dir') },
      versionPattern: /^deno (\S+)/m,
      settings: rawSettings,
      flags: [...DENO_PERMISSION_FLAGS, ...(settings.flags ?? [])],
      startTimeoutMs: settings.startTimeoutMs,
      bundling: BUNDLING.deno,
      // A Web Worker would show worker globals (postMessage, close) that a deployed route does not have.
      isolation: { description: 'a process per route', maxRoutesPerStart: 1 },
    },
    ctx,
  );
};

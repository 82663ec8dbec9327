/**
 * The Bun runner: each route in a `bun run` process of its own, on its own `Bun.serve` on
 * 127.0.0.1 (see host.mjs). Bun has no permission model; the flags below only keep Bun from
 * reaching outside the routes (auto-install, .env files) and from outliving edgecompat.
 */
import { fileURLToPath } from 'node:url';
import { BUNDLING } from '../bundling/platform-bundling.ts';
import { ipcHostRunner } from '../host/ipc-route-host.ts';
import type { RunnerFactory } from '../types.ts';

const HOST_SCRIPT = fileURLToPath(new URL('./host.mjs', import.meta.url));

/** Flags that keep Bun from auto-installing packages or loading .env files, and exit with its parent. */
export const BUN_FLAGS: readonly string[] = ['--no-install', '--no-env-file', '--no-orphans'];

/** Settings of a Bun column. */
export interface BunSettings {
  /**
   * Bun.serve's `development` option. Off by default, as deployed: a throwing handler then gets
   * Bun's plain 500 "Something went wrong!"; on, Bun answers with its HTML error page (source lines
   * and cwd included).
   */
  development?: boolean;
  /** More `bun run` flags (e.g. `--smol`), after the defaults. */
  flags?: string[];
  /** How long start() waits for every route to be imported and listening. */
  startTimeoutMs?: number;
}

/** The `bun run` arguments for an entry module, given the column's settings. */
export function bunArgs(entry: string, settings: BunSettings = {}): string[] {
  return ['run', ...BUN_FLAGS, ...(settings.flags ?? []), entry];
}

/** Creates the runner for one Bun column. */
export const createBunRunner: RunnerFactory = (rawSettings, ctx) => {
  const settings = rawSettings as BunSettings;
  const development = settings.development ?? false;
  return ipcHostRunner(
    {
      runtime: 'bun',
      hostScript: HOST_SCRIPT,
      hostOptions: { development },
      args: (entry) => bunArgs(entry, settings),
      versionPattern: /^(\d+\.\d+\.\S+)/m,
      settings: { ...rawSettings, development },
      flags: [...BUN_FLAGS, ...(settings.flags ?? [])],
      startTimeoutMs: settings.startTimeoutMs,
      bundling: BUNDLING.bun,
      // A Worker would show worker globals (postMessage, close) that a deployed route does not have.
      isolation: { description: 'a process per route', maxRoutesPerStart: 1 },
      verified: {
        proves: 'the object graph from globalThis, process, Bun and the Node built-ins the routes import; the working folder, umask, exit code, title, performance entries (Bun lists no open timers: routes that start one get a fresh host)',
        blindTo: ['timers', 'global-listeners', 'code-from-strings', 'node-builtins', 'files'],
      },
    },
    ctx,
  );
};

/**
 * The edge-runtime target: Vercel's Edge Runtime (npm `edge-runtime`). One Node process hosts every
 * route, each in its own EdgeRuntime context served by edge-runtime's runServer (see host.mjs).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ipcHostRunner } from '../ipc-route-host.ts';
import type { RunnerFactory } from '../types.ts';
import { classicScript } from './classic-script.ts';

const HOST_SCRIPT = fileURLToPath(new URL('./host.mjs', import.meta.url));
const require = createRequire(import.meta.url);

/** The version of the edge-runtime package that host.mjs loads, or undefined when it is missing. */
function installedVersion(): string | undefined {
  try {
    return (require('edge-runtime/package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** The edge-runtime runner; it has no settings. */
export const edgeRuntimeRunner: RunnerFactory = (_settings, ctx) =>
  ipcHostRunner(
    {
      runtime: 'edge-runtime',
      command: process.execPath,
      unavailable: async () => (installedVersion() ? undefined : 'the edge-runtime package is not installed (npm ci installs the pinned version)'),
      version: async () => installedVersion() ?? 'unknown',
      // The host imports a module whose default export is the route as a classic script.
      prepare: async (route) => ({ ...route, source: `export default ${JSON.stringify(await classicScript(route.source))};\n` }),
      hostScript: HOST_SCRIPT,
      args: (entry) => [entry],
      settings: {},
      flags: [],
    },
    ctx,
  );

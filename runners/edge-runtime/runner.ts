/**
 * The edge-runtime target: Vercel's Edge Runtime (npm `edge-runtime`). Each route runs in a Node
 * process of its own, in an EdgeRuntime served by edge-runtime's runServer (see host.mjs).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { BUNDLING } from '../bundling/platform-bundling.ts';
import { ipcHostRunner } from '../host/ipc-route-host.ts';
import type { RunnerFactory } from '../types.ts';

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
      // The host imports a module whose default export is the route's source, and evaluates that
      // as a module inside the route's own EdgeRuntime context.
      prepare: async (route) => ({ ...route, source: `export default ${JSON.stringify(route.source)};\n` }),
      hostScript: HOST_SCRIPT,
      // node:vm's SourceTextModule, to evaluate ES modules (imports, top-level await) in a context.
      args: (entry) => ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', entry],
      settings: {},
      flags: [],
      bundling: BUNDLING['edge-runtime'],
      // Not several EdgeRuntimes in one process: their contexts share one Headers, Request, Response,
      // ReadableStream, TextEncoder, URL, fetch, crypto ... (seen with edge-runtime 4.0.1), so a route
      // that patches Headers.prototype would change the answers of every other route in the process.
      isolation: { description: 'a process per route (an EdgeRuntime of its own)', maxRoutesPerStart: 1 },
      verified: {
        proves: "an EdgeRuntime of its own per case; the object graph every EdgeRuntime shares (Headers, Response, streams, fetch ...), the host process's, and the Node modules the runtime offers; the host's working folder, umask, exit code, open timers and handles",
        blindTo: ['code-from-strings'],
      },
    },
    ctx,
  );

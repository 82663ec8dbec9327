/**
 * The Bun host: each loaded route on its own `Bun.serve` (127.0.0.1, an OS-chosen port), with no
 * dispatcher and no error handler: a route gets the Request as Bun hands it over, and Bun answers a
 * throwing handler by itself. Run through the entry the runner writes (runners/host/ipc-route-host.ts).
 * The entry has no default export, so Bun starts no server of its own for it (it does that only for
 * an entry module whose default export has a fetch method).
 */
import { handlerOf, runHost } from '../host/host-common.mjs';

/**
 * Serves the routes and reports them to the runner.
 * @param {Record<string, () => Promise<Record<string, unknown>>>} loaders key -> import of its module
 * @param {{ development?: boolean }} options Bun.serve's `development` (its HTML error page on a throw)
 */
export async function host(loaders, options = {}) {
  await runHost(loaders, {
    serve: (mod) => Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: handlerOf(mod), development: options.development ?? false }).port,
    ppid: () => process.ppid,
    exit: (code) => process.exit(code),
    // A plain `bun run` has these properties, undefined (and `connected` false).
    hideAs: 'undefined',
  });
}

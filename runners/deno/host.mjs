/**
 * The Deno host: each loaded route on its own `Deno.serve` (127.0.0.1, an OS-chosen port), with no
 * dispatcher and no error handler: a route gets the Request as Deno hands it over, and Deno answers
 * a throwing handler by itself. Run through the entry the runner writes (runners/host/ipc-route-host.ts),
 * which lists every route as a literal `import()` so that Deno loads them without --allow-read.
 */
import { handlerOf, runHost } from '../host/host-common.mjs';

/**
 * Serves the routes and reports them to the runner.
 * @param {Record<string, () => Promise<Record<string, unknown>>>} loaders key -> import of its module
 */
export async function host(loaders) {
  await runHost(loaders, {
    serve: (mod) => Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, handlerOf(mod)).addr.port,
    ppid: () => Deno.ppid,
    exit: (code) => Deno.exit(code),
  });
}

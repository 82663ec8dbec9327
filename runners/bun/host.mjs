/**
 * The Bun host: each loaded route on its own `Bun.serve` (127.0.0.1, an OS-chosen port). All at once
 * (a fresh host), or one at a time on the runner's command with a proof between two (`options.warm`,
 * a warm host; Bun shows no list of the timers a route left running, so routes that start timers
 * get a fresh host).
 */
import { handlerOf, runHost } from '../host/host-common.mjs';
import { builtinRoots, processFacts } from '../host/proof-reach.mjs';
import { runWarmHost } from '../host/warm-host.mjs';

/** The servers of the routes served now, by key. */
const servers = new Map();

/**
 * Serves the routes and reports them to the runner.
 * @param {Record<string, () => Promise<Record<string, unknown>>>} loaders key -> import of its module
 * @param {{ development?: boolean, warm?: boolean, builtins?: string[] }} [options]
 */
export async function host(loaders, options = {}) {
  const serve = (mod, key) => {
    const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: handlerOf(mod), development: options.development ?? false });
    servers.set(key, server);
    return server.port;
  };
  const runtime = {
    serve,
    ppid: () => process.ppid,
    exit: (code) => process.exit(code),
    // A plain `bun run` has these properties, undefined (and `connected` false).
    hideAs: 'undefined',
  };
  if (!options.warm) return runHost(loaders, runtime);
  const builtins = await builtinRoots(options.builtins ?? []);
  runWarmHost(loaders, {
    ...runtime,
    unserve: async (key) => {
      const server = servers.get(key);
      servers.delete(key);
      await server?.stop(true);
    },
    warmUp: async () => {
      const port = serve({ default: () => new Response('warm') }, '');
      await (await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } })).text();
      await servers.get('')?.stop(true);
      servers.delete('');
    },
    proof: {
      roots: () => [['globalThis', globalThis], ['process', process], ['Bun', Bun], ...builtins],
      getterHosts: () => new Set([globalThis]),
      facts: async () => processFacts(),
    },
  });
}

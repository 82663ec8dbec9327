/**
 * The Deno host: each loaded route on its own `Deno.serve` (127.0.0.1, an OS-chosen port), the
 * route's default export called as Deno calls a handler. All at once (a fresh host), or one at a
 * time on the runner's command with a proof between two (`options.warm`, a warm host).
 */
import { handlerOf, runHost } from '../host/host-common.mjs';
import { activeResources, builtinRoots, processFacts } from '../host/proof-reach.mjs';
import { runWarmHost } from '../host/warm-host.mjs';

/** The servers of the routes served now, by key. */
const servers = new Map();

function serve(mod, key) {
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, handlerOf(mod));
  servers.set(key, server);
  return server.addr.port;
}

/** Stops serving a route: its server shut down, its open connections closed. */
async function unserve(key) {
  const server = servers.get(key);
  servers.delete(key);
  await server?.shutdown();
}

/**
 * What Deno keeps that no property shows: the Cache API's caches and Web Storage, which Deno keeps
 * per main module (https://docs.deno.com/runtime/reference/web_platform_apis/#web-storage), with
 * the process facts its Node compatibility offers.
 */
async function denoFacts() {
  return {
    ...processFacts(),
    'Deno.exitCode': String(Deno.exitCode),
    'caches.keys()': JSON.stringify(await caches.keys()),
    'localStorage.length': String(localStorage.length),
    'sessionStorage.length': String(sessionStorage.length),
  };
}

/**
 * Serves the routes and reports them to the runner.
 * @param {Record<string, () => Promise<Record<string, unknown>>>} loaders key -> import of its module
 * @param {{ warm?: boolean, builtins?: string[] }} [options]
 */
export async function host(loaders, options = {}) {
  const runtime = { serve, ppid: () => Deno.ppid, exit: (code) => Deno.exit(code) };
  if (!options.warm) return runHost(loaders, runtime);
  const builtins = await builtinRoots(options.builtins ?? []);
  let quietResources;
  runWarmHost(loaders, {
    ...runtime,
    unserve,
    // No request to itself: the host's permissions let it listen, not connect.
    warmUp: async () => {
      serve({ default: () => new Response('warm') }, '');
      await unserve('');
      quietResources = activeResources();
    },
    quiet: () => activeResources() === quietResources,
    proof: {
      roots: () => [['globalThis', globalThis], ['Deno', Deno], ...builtins],
      getterHosts: () => new Set([globalThis]),
      facts: denoFacts,
    },
  });
}

/**
 * The runner kit's host side, for JavaScript runtimes (Node, Deno, Bun): the module a host script
 * uses to speak the control protocol (runners/README.md, "The control channel") on fd 3. It is the
 * built-in runners' own host (../host-common.mjs, ../host/warm-host.mjs) with fd 3 as its transport:
 * - runHost: import each route on its own, serve it on a server of its own, say `loading` before each
 *   route and `ready` with every port and load failure, close fd 3, and stay up until stopped or
 *   orphaned (a fresh host);
 * - runWarmHost: take a baseline, say `ready` with nothing loaded, then load, serve and stop serving
 *   one route at a time on the runner's command, proving between two that the realm is as at its
 *   baseline (a warm host, verified isolation; ../host/realm-proof.mjs).
 *
 * The entry the kit writes (writeHostEntry, writeWarmHostEntry) calls the host script as
 * `host(loaders, options, kit)`, where `kit` is this module and `options.warm` says which host the
 * runner started, so a host script needs no import path of its own:
 *
 *   const servers = new Map();
 *   export async function host(loaders, options, kit) {
 *     const serve = (mod, key) => {
 *       const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, kit.handlerOf(mod));
 *       servers.set(key, server);
 *       return server.addr.port;
 *     };
 *     if (!options.warm) return kit.runHost(loaders, { serve });
 *     await kit.runWarmHost(loaders, { serve, unserve: (key) => servers.get(key)?.shutdown(), builtins: options.builtins });
 *   }
 */
import { runHost as runCommonHost, useControlFd } from '../host/host-common.mjs';
import { activeResources, builtinRoots, processFacts } from '../host/proof-reach.mjs';
import { runWarmHost as runCommonWarmHost } from '../host/warm-host.mjs';

export { describeError, handlerOf, useControlFd } from '../host/host-common.mjs';

/** The file descriptor the runner kit passes for the control channel. */
export const CONTROL_FD = 3;

/** The key the default warm-up serves its own route under; a route's key is never empty. */
const WARM_UP_KEY = '';

/** The parent's pid in Node, Bun or Deno. */
function parentPid() {
  return typeof Deno !== 'undefined' ? Deno.ppid : process.ppid;
}

/** Ends the process in Node, Bun or Deno. */
function exitProcess(code) {
  if (typeof Deno !== 'undefined') Deno.exit(code);
  else process.exit(code);
}

/**
 * Loads and serves the routes and reports them on fd 3.
 * @param {Record<string, () => Promise<Record<string, unknown>>>} loaders key -> import of its module
 * @param {{ serve: (mod: Record<string, unknown>, key: string) => Promise<number> | number, ppid?: () => number,
 *   exit?: (code: number) => void }} runtime how the runtime serves a module on 127.0.0.1 and returns
 *   its port (required); how it reads its parent's pid and exits (Node, Bun and Deno by default)
 */
export async function runHost(loaders, runtime) {
  useControlFd(CONTROL_FD);
  await runCommonHost(loaders, { ppid: parentPid, exit: exitProcess, ...runtime });
}

/** The runtime namespaces a default proof walks from, besides the global object, where they exist. */
const NAMESPACES = ['process', 'Deno', 'Bun'];

/**
 * Serves routes one at a time on the runner's command over fd 3 (a socket pair, read and written),
 * and proves between two that the realm is as at its baseline: a warm host for a plug-in's
 * `Runner.verified` (its runner side is the kit's openWarmHost). Every member but `serve` and
 * `unserve` has a default (`unserve(key)` is asked only of a route `serve` served, before its proof):
 * - `ppid`, `exit`: Node's, Deno's or Bun's;
 * - `builtins`: the Node built-ins the routes import (writeWarmHostEntry passes them as
 *   `options.builtins`), loaded before the baseline and walked as roots;
 * - `warmUp`: serve a route of its own, ask it once over node:http, stop serving it, so what the
 *   first server and request make is in the baseline (a host that may not connect to itself skips the
 *   request);
 * - `quiet`: where the runtime lists its open resources (`process.getActiveResourcesInfo`), the host
 *   waits, before a proof, for those a route left running to end (up to 1.5 s);
 * - `proof`: the object graph from `globalThis`, `process`, `Deno` and `Bun` (those present) and the
 *   built-ins, the global object's getters read, Node's `process.moduleLoadList` left unread (Node
 *   appends to it as it loads its own modules), and where `process` exists its facts (working folder,
 *   umask, exit code, title, open timers and handles, performance entries); `prover` replaces the
 *   proof altogether (`{ baseline(), changes() }`).
 * Resolves once the host is set up; the baseline is taken once the entry module has finished.
 * @param {Record<string, () => Promise<Record<string, unknown>>>} loaders key -> import of its module
 * @param {{ serve: (mod: Record<string, unknown>, key: string) => Promise<number | { port: number, path?: string }> | number | { port: number, path?: string },
 *   unserve: (key: string) => Promise<void> | void, ppid?: () => number, exit?: (code: number) => void,
 *   builtins?: string[], warmUp?: () => Promise<void>, quiet?: () => boolean,
 *   proof?: { roots: () => Array<[string, unknown]>, getterHosts?: () => Set<object>, opaque?: (object: object) => boolean, facts?: () => Promise<Record<string, string>> },
 *   prover?: { baseline(): Promise<unknown>, changes(): Promise<string[]> } }} runtime how the runtime
 *   serves a module on 127.0.0.1 (its port, or its port and the path the route is mounted at) and
 *   stops serving it (both required), and what to do otherwise than by default
 */
export async function runWarmHost(loaders, runtime) {
  if (typeof runtime?.serve !== 'function' || typeof runtime.unserve !== 'function') throw new TypeError('runWarmHost needs serve(module, key) and unserve(key)');
  const builtins = await builtinRoots(runtime.builtins ?? []);
  const namespaces = NAMESPACES.filter((name) => globalThis[name] !== undefined && globalThis[name] !== null);
  const hasProcess = namespaces.includes('process');
  const counts = hasProcess && typeof process.getActiveResourcesInfo === 'function';
  let quietResources;
  const host = { ppid: parentPid, exit: exitProcess, ...runtime };
  runCommonWarmHost(loaders, {
    quiet: counts ? () => activeResources() === quietResources : undefined,
    proof: {
      roots: () => [['globalThis', globalThis], ...namespaces.map((name) => [name, globalThis[name]]), ...builtins],
      getterHosts: () => new Set([globalThis]),
      opaque: (object) => hasProcess && object === process.moduleLoadList,
      facts: async () => (hasProcess ? processFacts() : {}),
    },
    ...host,
    async warmUp() {
      await (runtime.warmUp ? runtime.warmUp() : warmUp(host));
      if (counts) quietResources = activeResources();
    },
  });
}

/** Serves a route of the host's own, asks it once, and stops serving it. */
async function warmUp(runtime) {
  const served = await runtime.serve({ default: () => new Response('warm') }, WARM_UP_KEY);
  const { port, path = '/' } = typeof served === 'number' ? { port: served } : served;
  try {
    const { get } = await import('node:http');
    await new Promise((resolve, reject) => get({ host: '127.0.0.1', port, path, agent: false }, (res) => res.resume().on('end', resolve)).on('error', reject));
  } catch {
    // A host allowed to listen but not to connect (Deno with --allow-net=127.0.0.1:0) warms up without its first request.
  }
  await runtime.unserve(WARM_UP_KEY);
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The edge-runtime host: each route in its own EdgeRuntime (a node:vm context of its own) served by
 * edge-runtime's runServer on its own port. A route is the ES module the runner bundled for Vercel's
 * platform (see ../bundling.ts); it is evaluated as a module inside its context (node:vm
 * SourceTextModule, which needs --experimental-vm-modules), so static imports and top-level await
 * work, and the Node modules Vercel's Edge Runtime offers (node-modules.mjs) resolve to those exports
 * of Node's own implementation, as Vercel's local simulation provides them. The route's handler gets
 * the very Request the runtime dispatches, and Vercel's `{ waitUntil }` context.
 */
import { createRequire } from 'node:module';
import vm from 'node:vm';
import { createServer, get } from 'node:http';
import { createHandler, EdgeRuntime } from 'edge-runtime';
import { handlerOf, runHost } from '../host/host-common.mjs';
import { activeResources, processFacts } from '../host/proof-reach.mjs';
import { runWarmHost } from '../host/warm-host.mjs';
import { EDGE_NODE_MODULES, edgeNodeModule } from './node-modules.mjs';

const require = createRequire(import.meta.url);

/** A module of the context exporting what the Edge Runtime offers of a Node module, or undefined. */
function nodeModule(specifier, context) {
  const name = edgeNodeModule(specifier);
  if (name === undefined) return undefined;
  const implementation = require(`node:${name}`);
  const names = EDGE_NODE_MODULES[name];
  const picked = Object.fromEntries(names.map((n) => [n, implementation[n]]));
  return new vm.SyntheticModule([...names, 'default'], function () {
    for (const n of names) this.setExport(n, picked[n]);
    this.setExport('default', picked);
  }, { context, identifier: `node:${name}` });
}

/** Resolves an import of the route: only the Node modules the runtime offers exist besides the route itself. */
async function resolveImport(specifier, context) {
  const mod = nodeModule(specifier, context);
  if (!mod) throw new TypeError(`Cannot find module '${specifier}': the Edge Runtime offers no such module`);
  await mod.link(() => {});
  await mod.evaluate();
  return mod;
}

/** The servers of the routes served now, by key, with the waitUntil of each one's runtime. */
const servers = new Map();

/** How long a route's `waitUntil` work may go on once its server stops, before the proof reads the host. */
const WAIT_UNTIL_MS = 1500;

/** Stops serving a route: its connections closed, its server closed, its waitUntil work ended (or given up on). */
async function unserve(key) {
  const served = servers.get(key);
  servers.delete(key);
  if (!served) return;
  served.server.closeAllConnections();
  await new Promise((resolve) => served.server.close(() => resolve()));
  let timer;
  await Promise.race([served.waitUntil(), new Promise((resolve) => (timer = setTimeout(resolve, WAIT_UNTIL_MS)))]);
  clearTimeout(timer);
}

async function serve(mod, key) {
  const runtime = new EdgeRuntime();
  const context = runtime.context;
  const route = new vm.SourceTextModule(mod.default, {
    context,
    identifier: `file:///${key}.mjs`,
    importModuleDynamically: (specifier) => resolveImport(specifier, context),
  });
  await route.link((specifier) => resolveImport(specifier, context));
  await route.evaluate();
  const handle = handlerOf(route.namespace);
  // The listener is made inside the context, as a route's own addEventListener('fetch') would be.
  // Like Vercel's own wrapper of an Edge Function (vercel/vercel, packages/node/src/edge-functions/
  // edge-handler-template.js), it calls the handler with the request and a context
  // `{ waitUntil }` bound to the fetch event, the second parameter Vercel documents
  // (https://vercel.com/docs/functions/functions-api-reference); the object is made in the context.
  runtime.evaluate(
    '(handle) => addEventListener("fetch", (event) => event.respondWith((async () => handle(event.request, { waitUntil: event.waitUntil.bind(event) }))()))',
  )(handle);
  // What edge-runtime's runServer does, with the server kept so that a warm host can close its
  // connections: the runtime's handler on a node:http server.
  const { handler, waitUntil } = createHandler({ runtime });
  const server = createServer(handler);
  servers.set(key, { server, waitUntil });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server.address().port;
}

/**
 * Serves the routes and reports them to the runner.
 * @param {Record<string, () => Promise<{ default: string }>>} loaders key -> import of a module whose default export is the route's source
 */
/**
 * Serves the routes and reports them to the runner: all at once (a fresh host), or one at a time on
 * the runner's command with a proof between two (`options.warm`, a warm host). Each route has an
 * EdgeRuntime of its own either way; what the proof reads is what EdgeRuntimes share: the host
 * process's realm, the primitives every context is given (reached from a context made for the
 * proof and never given to a route), and the Node modules the runtime offers routes.
 * @param {Record<string, () => Promise<Record<string, unknown>>>} loaders key -> import of its module
 * @param {{ warm?: boolean }} [options]
 */
export async function host(loaders, options = {}) {
  const runtime = { serve, ppid: () => process.ppid, exit: (code) => process.exit(code) };
  if (!options.warm) return runHost(loaders, runtime);
  const shared = new EdgeRuntime().context;
  const offered = Object.keys(EDGE_NODE_MODULES).map((name) => [`require("node:${name}")`, require(`node:${name}`)]);
  let quietResources;
  runWarmHost(loaders, {
    ...runtime,
    unserve,
    warmUp: async () => {
      const port = await serve({ default: 'export default () => new Response("warm")' }, '');
      await new Promise((resolve, reject) => get({ host: '127.0.0.1', port, agent: false }, (res) => res.resume().on('end', resolve)).on('error', reject));
      await unserve('');
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
      quietResources = activeResources();
    },
    quiet: () => activeResources() === quietResources,
    proof: {
      roots: () => [['globalThis', globalThis], ['process', process], ['(an EdgeRuntime context)', shared], ...offered],
      // Node appends each internal module it loads lazily to this list: a fresh host's list is where it began.
      opaque: (object) => object === process.moduleLoadList,
      getterHosts: () => new Set([globalThis, shared]),
      facts: async () => processFacts(),
    },
  });
}

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
import { EdgeRuntime, runServer } from 'edge-runtime';
import { handlerOf, runHost } from '../host/host-common.mjs';
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
  const server = await runServer({ runtime, host: '127.0.0.1', port: 0 });
  return Number(new URL(server.url).port);
}

/**
 * Serves the routes and reports them to the runner.
 * @param {Record<string, () => Promise<{ default: string }>>} loaders key -> import of a module whose default export is the route's source
 */
export async function host(loaders) {
  await runHost(loaders, { serve, ppid: () => process.ppid, exit: (code) => process.exit(code) });
}

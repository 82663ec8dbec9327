/**
 * The generated Next.js app, as data: every file `next build` needs to host a set of routes as Edge
 * API Routes, keyed by path relative to the app directory. Pure (given what route-inputs.ts found),
 * so it is tested without a build.
 *
 * Each route has a thin entry that imports the route's module and exports its handler unchanged (a
 * `{ fetch }` object is adapted by forwarding every argument to `fetch`):
 * - pages router: `pages/api/ec/<key>.js` with `export const config = { runtime: 'edge' }`
 * - app router:   `app/api/ec/<key>/route.js` with `export const runtime = 'edge'`
 * A module that exports HTTP method handlers instead of a default export (an App Router route
 * handler, runners/bundling/route-shape.ts methodExports) has its own method exports re-exported by the app
 * router's entry, so Next dispatches them itself (405, HEAD, OPTIONS) as in the route's own app. The
 * pages router hosts a default export only: its entry stays the same, and Next's build refuses such
 * a module there ("Export default doesn't exist in target module").
 * The entries are static routes, and one rewrite in next.config sends every sub-path of
 * `/api/ec/<key>` to its entry. A dynamic segment (`[[...path]]`) would not do: Next appends a
 * dynamic route's params to the query string of the URL an edge route sees (`?sort=asc&path=items`),
 * in runEdgeFunction (next/dist/server/next-server.js). A rewrite whose destination uses one of its
 * source's params appends none of them (prepareDestination in
 * next/dist/shared/lib/router/utils/prepare-destination.js; "Rewrite parameters" in
 * https://nextjs.org/docs/app/api-reference/config/next-config-js/rewrites), and the route sees the
 * URL the client asked for (Next hands edge routes the request's initial URL).
 *
 * Where the route's module lives (its "home"), so that Next's own build resolves its imports:
 * - no `origin` (a route given as source only): `routes/<key>.js` in the app, as given;
 * - `origin.file`: the route's own file, imported by absolute path, where its imports resolve;
 * - an inline route that imports only Node built-ins (or nothing): `routes/<key>.<js|ts>` in the app,
 *   as written (Next strips the types itself);
 * - an inline route that imports anything else: written as written, for the build only, to
 *   `<resolveDir>/.edgecompat-<tag>-<key>.<js|ts>`, beside the case file its imports are relative to.
 *   Relative imports, parent folders and node_modules lookups then resolve exactly as from the case
 *   file. No other placement does that for Turbopack, which resolves every import from the real
 *   folder of the importing file and has no per-file resolution hook. The tag (the build hash) keeps
 *   concurrent builds of different apps from sharing the file; build.ts removes it after the build.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { RouteModule } from '../types.ts';
import { commonAncestor, inputFolders, type RouteInputs } from './route-inputs.ts';
import { methodExports } from '../bundling/route-shape.ts';

/** Bumped whenever the generated files change shape, so that cached builds are not reused. */
export const GENERATOR_VERSION = 2;

/** Which of Next's routers hosts the routes. */
export type RouterKind = 'pages' | 'app';

/** The bundler `next build` uses. */
export type BundlerKind = 'turbopack' | 'webpack';

/** The app file that next.config.mjs imports the webpack diagnostics plugin from. */
const DIAGNOSTICS_PLUGIN_FILE = 'edgecompat-diagnostics.mjs';
const DIAGNOSTICS_PLUGIN = readFileSync(new URL('./webpack-diagnostics.mjs', import.meta.url), 'utf8');

/** The URL path under which a route key is served; the rewrite sends every sub-path there too. */
export function routeBasePath(key: string): string {
  return `/api/ec/${key}`;
}

/** The entry file Next routes to for a key, relative to the app directory. */
export function routeEntryPath(key: string, router: RouterKind): string {
  return router === 'pages' ? `pages/api/ec/${key}.js` : `app/api/ec/${key}/route.js`;
}

/** The key of a route whose entry or in-app module is at this app-relative path, else undefined. */
export function routeKeyOfPath(path: string): string | undefined {
  const match = /^(?:pages\/api\/ec\/([a-z0-9-]+)\.js|app\/api\/ec\/([a-z0-9-]+)\/route\.js|routes\/([a-z0-9-]+)\.[jt]s)$/.exec(path);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

/** Where the build finds a route's module (see the module comment). */
export type RouteHome =
  | { kind: 'app'; path: string; content: string }
  | { kind: 'file'; file: string }
  | { kind: 'beside'; file: string; content: string };

/** The home of one route; `tag` names files written beside a case file (the build hash). */
export function routeHome(route: RouteModule, inputs: RouteInputs | undefined, tag: string): RouteHome {
  const origin = route.origin;
  if (!origin) return { kind: 'app', path: `routes/${route.key}.js`, content: route.source };
  if (origin.file) return { kind: 'file', file: origin.file };
  const ext = origin.lang === 'ts' ? 'ts' : 'js';
  if (inputs?.imports === false) return { kind: 'app', path: `routes/${route.key}.${ext}`, content: origin.source };
  return { kind: 'beside', file: join(origin.resolveDir, `.edgecompat-${tag}-${route.key}.${ext}`), content: origin.source };
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Passes a function through as is; turns `{ fetch }` into a function that calls it with every argument. */
const ADAPT = "const handler = typeof route === 'function' ? route : (...args) => route.fetch(...args);";

/**
 * The specifier an entry imports the route's module by: always relative. Turbopack reads an import
 * that starts with `/` as relative to its root, not as an absolute path.
 */
function specifier(home: RouteHome, entryPath: string, dir: string): string {
  const target = home.kind === 'app' ? join(dir, home.path) : home.file;
  const path = relative(dirname(join(dir, entryPath)), target);
  return path.startsWith('.') ? path : `./${path}`;
}

function entry(home: RouteHome, entryPath: string, options: AppOptions, route: RouteModule): string {
  const router = options.router;
  const from = JSON.stringify(specifier(home, entryPath, options.dir));
  const methods = router === 'app' ? methodExports(route.source, 'js') : undefined;
  if (methods) return `export { ${methods.join(', ')} } from ${from};\nexport const runtime = 'edge';\n`;
  const lines = [`import route from ${from};`];
  if (router === 'pages') lines.push("export const config = { runtime: 'edge' };", ADAPT, 'export default handler;');
  else lines.push("export const runtime = 'edge';", ADAPT, `export { ${METHODS.map((method) => `handler as ${method}`).join(', ')} };`);
  return `${lines.join('\n')}\n`;
}

/** next.config.mjs; every setting says why it is there. */
function nextConfig(root: string, bundler: BundlerKind, external: boolean): string {
  const webpack = bundler === 'webpack';
  const experimental = [
    // webpack compiles files outside the app dir (route files, beside files) only with externalDir.
    ...(external ? ['externalDir: true'] : []),
    // Next turns its build worker off when next.config has a webpack function; this keeps its default.
    ...(webpack ? ['webpackBuildWorker: true'] : []),
  ];
  return [
    ...(webpack ? [`import { EdgecompatDiagnostics } from './${DIAGNOSTICS_PLUGIN_FILE}';`, ''] : []),
    'export default {',
    '  // Turbopack compiles only files under its root: the package (next, react) and every route file.',
    `  turbopack: { root: ${JSON.stringify(root)} },`,
    `  outputFileTracingRoot: ${JSON.stringify(root)},`,
    ...(experimental.length > 0 ? [`  experimental: { ${experimental.join(', ')} },`] : []),
    '  // Every sub-path of a route goes to its static entry; using :key in the destination keeps the',
    '  // params out of the query string the route sees.',
    "  async rewrites() { return [{ source: '/api/ec/:key/:path+', destination: '/api/ec/:key' }]; },",
    ...(webpack
      ? ['  // Reads webpack\'s errors and warnings as data (edgecompat-diagnostics/); changes nothing built.', '  webpack(config, { dir }) { config.plugins.push(new EdgecompatDiagnostics(dir)); return config; },']
      : []),
    '};',
    '',
  ].join('\n');
}

/** Options of the generated app. */
export interface AppOptions {
  router: RouterKind;
  bundler: BundlerKind;
  /** The edgecompat package root: the app dir must lie under it so that next, react, react-dom resolve. */
  packageRoot: string;
  /**
   * The folder whose node_modules holds next, react and react-dom, when it is not the package root's
   * (edgecompat installed as a dependency, its own dependencies hoisted beside it): Turbopack's root
   * must hold it too.
   */
  modulesRoot?: string;
  /**
   * The app directory (entries import routes from elsewhere by paths relative to it). While the
   * hash is computed, a sibling of the final directory: the relative paths are the same.
   */
  dir: string;
  /** What each route's build reads outside the app, by key (routes with an origin). */
  inputs?: Map<string, RouteInputs>;
  /** Names files written beside case files: the build hash (a placeholder while the hash is computed). */
  tag?: string;
}

/** A generated app: its files, the files written beside case files, and each route's entry and home. */
export interface AppPlan {
  /** Path relative to the app dir -> content. */
  files: Map<string, string>;
  /** Absolute path -> content: inline routes written beside their case file for the build. */
  beside: Map<string, string>;
  /** Key -> the app-relative files that belong to the route only (its entry, its in-app module). */
  routeFiles: Map<string, string[]>;
  /** The Turbopack root: a folder holding the package and every file the routes' builds read. */
  root: string;
}

/**
 * Every file of the app for these routes. Throws if a key is not made of [a-z0-9-] (it becomes a
 * path segment and a file name).
 */
export function appPlan(routes: RouteModule[], options: AppOptions): AppPlan {
  const tag = options.tag ?? 'pending';
  const files = new Map<string, string>();
  const beside = new Map<string, string>();
  const routeFiles = new Map<string, string[]>();
  const folders = [options.packageRoot, ...(options.modulesRoot ? [options.modulesRoot] : [])];
  let external = false;
  // No "type": "module" at the app's root: with it, `next build --webpack` fails to collect page
  // data for every app-router edge route (route_client-reference-manifest.js is missing; next
  // 16.4.6). The route modules written into the app keep their own package.json that makes them
  // ES modules, as the routes are (a `.js` file is then never taken for CommonJS).
  files.set('package.json', `${JSON.stringify({ private: true }, null, 2)}\n`);
  files.set('routes/package.json', `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
  for (const route of routes) {
    if (!/^[a-z0-9-]+$/.test(route.key)) throw new Error(`route key ${JSON.stringify(route.key)} (case ${route.caseId}) is not made of [a-z0-9-]`);
    const inputs = options.inputs?.get(route.key);
    const home = routeHome(route, inputs, tag);
    const entryPath = routeEntryPath(route.key, options.router);
    files.set(entryPath, entry(home, entryPath, options, route));
    if (home.kind === 'app') files.set(home.path, home.content);
    if (home.kind === 'beside') beside.set(home.file, home.content);
    if (home.kind !== 'app') {
      external = true;
      folders.push(dirname(home.file), ...(inputs ? inputFolders(inputs) : []));
    }
    routeFiles.set(route.key, home.kind === 'app' ? [entryPath, home.path] : [entryPath]);
  }
  const root = commonAncestor(folders);
  files.set('next.config.mjs', nextConfig(root, options.bundler, external));
  if (options.bundler === 'webpack') files.set(DIAGNOSTICS_PLUGIN_FILE, DIAGNOSTICS_PLUGIN);
  return { files, beside, routeFiles, root };
}

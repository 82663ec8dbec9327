/**
 * The generated Next.js app, as data: every file `next build` needs to host a set of routes as Edge
 * API Routes, keyed by path relative to the app directory. Pure, so it is tested without a build.
 *
 * Each route's source goes verbatim into `routes/<key>.js`; a thin entry file imports it and exports
 * its handler unchanged (a `{ fetch }` object is adapted by forwarding every argument to `fetch`):
 * - pages router: `pages/api/ec/<key>/[[...path]].js` with `export const config = { runtime: 'edge' }`
 * - app router:   `app/api/ec/<key>/[[...path]]/route.js` with `export const runtime = 'edge'`
 * The sources live outside pages/ because every module under pages/api would become a route itself.
 */
import type { RouteModule } from '../types.ts';

/** Bumped whenever the generated files change shape, so that cached builds are not reused. */
export const GENERATOR_VERSION = 1;

/** Which of Next's routers hosts the routes. */
export type RouterKind = 'pages' | 'app';

/** The bundler `next build` uses. */
export type BundlerKind = 'turbopack' | 'webpack';

/** The URL path under which a route key is served; its catch-all takes every sub-path. */
export function routeBasePath(key: string): string {
  return `/api/ec/${key}`;
}

/** The file holding a route's own source, relative to the app directory. */
export function routeSourcePath(key: string): string {
  return `routes/${key}.js`;
}

/** The entry file Next routes to for a key, relative to the app directory. */
export function routeEntryPath(key: string, router: RouterKind): string {
  return router === 'pages' ? `pages/api/ec/${key}/[[...path]].js` : `app/api/ec/${key}/[[...path]]/route.js`;
}

/** The app-relative files that belong to one route (its source and its entry). */
export function routeFiles(key: string, router: RouterKind): string[] {
  return [routeSourcePath(key), routeEntryPath(key, router)];
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** Passes a function through as is; turns `{ fetch }` into a function that calls it with every argument. */
const ADAPT = "const handler = typeof route === 'function' ? route : (...args) => route.fetch(...args);";

function pagesEntry(key: string): string {
  return [
    `import route from '../../../../${routeSourcePath(key)}';`,
    "export const config = { runtime: 'edge' };",
    ADAPT,
    'export default handler;',
    '',
  ].join('\n');
}

function appEntry(key: string): string {
  return [
    `import route from '../../../../../${routeSourcePath(key)}';`,
    "export const runtime = 'edge';",
    ADAPT,
    `export { ${METHODS.map((method) => `handler as ${method}`).join(', ')} };`,
    '',
  ].join('\n');
}

/** next.config.mjs: Turbopack and file tracing rooted at the package, whose node_modules hold next. */
function nextConfig(packageRoot: string): string {
  const root = JSON.stringify(packageRoot);
  return `export default { turbopack: { root: ${root} }, outputFileTracingRoot: ${root} };\n`;
}

/** Options of the generated app. */
export interface AppOptions {
  router: RouterKind;
  /** The edgecompat package root: the app dir must lie under it so that next, react, react-dom resolve. */
  packageRoot: string;
}

/**
 * Every file of the app for these routes: path relative to the app dir -> content.
 * Throws if a key is not made of [a-z0-9-] (it becomes a path segment and a file name).
 */
export function appFiles(routes: RouteModule[], options: AppOptions): Map<string, string> {
  const files = new Map<string, string>();
  files.set('package.json', `${JSON.stringify({ private: true, type: 'module' }, null, 2)}\n`);
  files.set('next.config.mjs', nextConfig(options.packageRoot));
  for (const route of routes) {
    if (!/^[a-z0-9-]+$/.test(route.key)) throw new Error(`route key ${JSON.stringify(route.key)} (case ${route.caseId}) is not made of [a-z0-9-]`);
    files.set(routeSourcePath(route.key), route.source);
    files.set(routeEntryPath(route.key, options.router), options.router === 'pages' ? pagesEntry(route.key) : appEntry(route.key));
  }
  return files;
}

/**
 * Bundling a route as its target's platform would on deploy: esbuild with that platform's export
 * conditions, ES module output, Node built-ins left as imports for the runtime to accept or refuse
 * (or, where the platform offers only some, the others refused as its build refuses them).
 *
 * What a route observes must not change on the way. esbuild rewrites a free `require` in an ES
 * module into its own `__require` shim (so `typeof require` would read "function" where the runtime
 * has none). The route's own files are therefore handed to esbuild with `require` renamed to a
 * placeholder that esbuild leaves alone, and the placeholder is renamed back in the output; npm
 * packages are bundled as the platform's esbuild-based builds (wrangler, Vercel) bundle them. A route
 * that imports nothing but built-ins is passed on as written (types stripped): there is nothing to
 * bundle, so nothing may change.
 */
import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { build, formatMessages, transform, type Loader, type Message, type Plugin } from 'esbuild';
import type { Bundling, LoadFailure, RouteOrigin } from '../types.ts';
import { isNodeBuiltin, moduleImports, nodeBuiltinNames } from './module-imports.ts';

/** A name no route uses: it stands for the route's free `require` while esbuild bundles. */
const REQUIRE_PLACEHOLDER = '__edgecompat_free_require__';

/** The bundling of a target that declares none: plain ES module resolution, built-ins left alone. */
export const DEFAULT_BUNDLING: Bundling = { kind: 'esbuild', conditions: [] };

/**
 * A route ready to host (and, when asked for, the absolute paths of the `.wasm` files it imports,
 * which the platform deploys beside the bundle), or why the platform's build refuses it.
 */
export type BundleOutcome = { source: string; wasm?: string[] } | { failure: LoadFailure };

/** Options of {@link bundleRoute}. */
export interface BundleOptions {
  /**
   * Leave `.wasm` imports (`./a.wasm`, `./a.wasm?module`) as imports and list their files, as the
   * platforms that deploy WebAssembly modules beside the code do (for measuring; no runner hosts them).
   */
  wasm?: boolean;
  /**
   * An ES module to host in the route's place, which imports the route as {@link ROUTE_SPECIFIER}
   * (core/run/route-modules.ts gives a route that exports HTTP method handlers a default export this
   * way). The route is then always bundled, its own files and packages as usual.
   */
  wrapper?: string;
}

/** The specifier by which a {@link BundleOptions.wrapper} imports the route it wraps. */
export const ROUTE_SPECIFIER = 'edgecompat:route';

/**
 * Resolves {@link ROUTE_SPECIFIER} to the route: its file (which ownFiles then loads), or for an
 * inline route its source, resolving its imports from its case file's folder.
 */
function wrappedRoute(origin: RouteOrigin, sourcefile: string): Plugin {
  return {
    name: 'edgecompat-wrapped-route',
    setup(b) {
      b.onResolve({ filter: /^edgecompat:route$/ }, () => (origin.file ? { path: origin.file } : { path: sourcefile, namespace: 'edgecompat-route' }));
      b.onLoad({ filter: /.*/, namespace: 'edgecompat-route' }, async () => ({
        contents: await protectRequire(origin.source, origin.lang === 'ts' ? 'ts' : 'js', sourcefile),
        loader: 'js',
        resolveDir: origin.resolveDir,
      }));
    },
  };
}

/** Marks `.wasm` imports external and collects their absolute paths. */
function wasmModules(found: string[]): Plugin {
  return {
    name: 'edgecompat-wasm-modules',
    setup(b) {
      b.onResolve({ filter: /\.wasm(\?module)?$/ }, (args) => {
        const path = resolvePath(args.resolveDir, args.path.replace(/\?module$/, ''));
        if (!found.includes(path)) found.push(path);
        return { path: args.path, external: true };
      });
    },
  };
}

const LOADERS: Record<string, Loader> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.jsx': 'jsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js' };

function loaderOf(path: string): Loader {
  const ext = /\.[a-z]+$/.exec(path)?.[0] ?? '.js';
  return LOADERS[ext] ?? 'js';
}

/** Strips TypeScript's types and renames a free `require` to the placeholder; nothing else changes. */
async function protectRequire(source: string, loader: Loader, sourcefile: string): Promise<string> {
  const { code } = await transform(source, { loader, format: 'esm', target: 'esnext', sourcefile, define: { require: REQUIRE_PLACEHOLDER } });
  return code;
}

/** The route's own files (not npm packages) go through protectRequire on their way into the bundle. */
const ownFiles: Plugin = {
  name: 'edgecompat-own-files',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, async (args) => {
      if (args.namespace !== 'file' || /[\\/]node_modules[\\/]/.test(args.path)) return undefined;
      return { contents: await protectRequire(await readFile(args.path, 'utf8'), loaderOf(args.path), args.path), loader: 'js' };
    });
  },
};

async function describe(errors: Message[]): Promise<string> {
  const text = await formatMessages(errors, { kind: 'error', color: false });
  return text.join('').trim();
}

/**
 * Bundles one route for a target (`name` labels an inline route in messages). A build error (a
 * syntax error, an import that does not resolve, a built-in the platform does not offer) is the
 * route's refusal at build, with esbuild's message.
 */
export async function bundleRoute(origin: RouteOrigin, bundling: Bundling = DEFAULT_BUNDLING, name = 'route', options: BundleOptions = {}): Promise<BundleOutcome> {
  const loader: Loader = origin.lang === 'ts' ? 'ts' : 'js';
  // An inline route has no file: messages name it after its case, in its case file's folder.
  const sourcefile = origin.file ?? `${name}.js`;
  try {
    // 1. Types stripped, and nothing more, is what a runner gets when it bundles nothing itself.
    const stripped = origin.lang === 'ts' ? (await transform(origin.source, { loader, format: 'esm', target: 'esnext', sourcefile })).code : origin.source;
    if (bundling.kind === 'platform') return { source: stripped };
    const wrapper = options.wrapper;
    // 2. Built-ins are the runtime's to accept or refuse, unless the platform lists the only ones it offers.
    const supported = bundling.nodeBuiltins?.supported;
    const external = [...(supported ? supported.flatMap((name) => [name, `node:${name}`]) : ['node:*', ...nodeBuiltinNames()]), ...(bundling.provided ?? [])];
    // The route's own require is never bundled (see above), so only imports count.
    let scanned: Awaited<ReturnType<typeof moduleImports>>;
    try {
      scanned = await moduleImports(origin.source, loader, sourcefile);
    } catch (error) {
      // A JavaScript route that does not parse goes to the runtime as written, which refuses it with
      // its own error (Node's SyntaxError at load, say): the scan is edgecompat's, not the platform's.
      if (!wrapper && origin.lang !== 'ts') return { source: stripped };
      throw error;
    }
    const imports = scanned.filter((i) => i.kind === 'import-statement' || i.kind === 'dynamic-import').map((i) => i.path);
    const refusable = supported !== undefined && imports.some((i) => isNodeBuiltin(i) && !external.includes(i));
    // 3. Nothing to bundle: the route as written.
    if (!wrapper && !refusable && imports.every(isNodeBuiltin)) return { source: stripped };
    const wasm: string[] = [];
    const plugins = [...(options.wasm ? [wasmModules(wasm)] : []), ...(wrapper ? [wrappedRoute(origin, sourcefile)] : []), ownFiles];
    // 4. Bundle the route (or its wrapper, with the route), its files and its packages into one ES module.
    const entry = wrapper ?? (await protectRequire(origin.source, loader, sourcefile));
    const result = await build({
      stdin: { contents: entry, loader: 'js', resolveDir: origin.resolveDir, sourcefile: wrapper ? 'edgecompat-wrapper.js' : sourcefile },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      target: 'esnext',
      charset: 'utf8',
      conditions: bundling.conditions,
      mainFields: bundling.mainFields ?? ['module', 'main'],
      external,
      plugins,
      logLevel: 'silent',
    });
    const source = result.outputFiles[0].text.replaceAll(REQUIRE_PLACEHOLDER, 'require');
    return wasm.length > 0 ? { source, wasm } : { source };
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    const message = errors?.length ? await describe(errors) : String((error as Error).message ?? error);
    return { failure: { name: 'BuildError', message, phase: 'build' } };
  }
}

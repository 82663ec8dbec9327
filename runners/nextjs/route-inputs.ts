/**
 * What a route's build reads besides the generated app: the route's own file and every file it
 * imports (its helpers, its npm packages), found with esbuild's resolver before `next build` runs.
 * Nothing here is built or served: Next bundles the route itself. The list serves three purposes:
 * - the build hash covers these files' contents, so editing a helper makes a new build instead of
 *   reusing a stale one;
 * - the Turbopack root must be a folder that contains every file Next compiles;
 * - an inline route that imports anything but Node built-ins must be built where its imports
 *   resolve (see app.ts).
 * esbuild resolves with the export conditions Next uses for edge code; where its choice differs from
 * Next's, the differing file is still in the package, and the package.json that chose it is hashed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build, type Loader, type Message, type Plugin } from 'esbuild';
import { isNodeBuiltin, moduleImports } from '../bundling/module-imports.ts';
import type { RouteOrigin } from '../types.ts';

/**
 * Next resolves edge code with "edge-light" before the bundler's own conditions, and the main field
 * "edge-light" before the usual ones: next/dist/build/webpack-config.js (conditionNames) and
 * next/dist/build/webpack-config-rules/resolve.js (getMainField). esbuild adds "import"/"default".
 */
const EDGE_CONDITIONS = ['edge-light', 'worker', 'browser', 'module'];
const EDGE_MAIN_FIELDS = ['edge-light', 'browser', 'module', 'main'];
/** Extensions esbuild reads as code; any other resolved file is hashed without being parsed. */
const CODE = /\.(?:[cm]?[jt]sx?|json)$/;

/** The files a route's build reads outside the app. */
export interface RouteInputs {
  /** True when the route module imports anything but Node built-ins (so its imports must resolve). */
  imports: boolean;
  /** Absolute path -> sha256 (hex, 16 chars) of the route's file and every file it imports. */
  files: Record<string, string>;
  /**
   * Imports that did not resolve (`<folder> <specifier>`): in the hash, so that a build that Next
   * refused for a missing file or package is not reused once it is there (the set then changes).
   */
  unresolved?: string[];
  /** What esbuild could not read (a syntax error ...), hashed in place of the files it did not reach. */
  error?: string;
}

function sha(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** Next compiles JSX in .js files too, so esbuild must accept it to walk past them. */
function loaderOf(origin: RouteOrigin): Loader {
  return origin.lang === 'ts' ? 'ts' : 'jsx';
}

/**
 * Resolves every import as esbuild would, but never fails on one: built-ins are left out, what does
 * not resolve is recorded and left out (Next will say what it makes of it), files that are not code
 * are recorded and left out.
 */
function lenient(assets: Set<string>, unresolved: Set<string>): Plugin {
  return {
    name: 'edgecompat-lenient-resolve',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === 'inner') return undefined;
        if (isNodeBuiltin(args.path)) return { external: true };
        const found = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'inner' });
        if (found.errors.length > 0) unresolved.add(`${args.resolveDir} ${args.path}`);
        if (found.errors.length > 0 || found.external || found.namespace !== 'file') return { external: true };
        if (!CODE.test(found.path)) {
          assets.add(found.path);
          return { external: true };
        }
        return { path: found.path, sideEffects: found.sideEffects };
      });
    },
  };
}

/** The package.json of the package a file belongs to, if it is under node_modules. */
function packageManifest(file: string): string | undefined {
  const at = file.lastIndexOf('/node_modules/');
  if (at < 0) return undefined;
  const rest = file.slice(at + '/node_modules/'.length).split('/');
  const name = rest[0].startsWith('@') ? rest.slice(0, 2).join('/') : rest[0];
  return join(file.slice(0, at), 'node_modules', name, 'package.json');
}

/** Finds and hashes what a route's build reads outside the app (see the module comment). */
export async function routeInputs(origin: RouteOrigin): Promise<RouteInputs> {
  const files: Record<string, string> = {};
  const hashFile = (path: string) => {
    try {
      files[path] = sha(readFileSync(path));
    } catch {
      files[path] = 'unreadable';
    }
  };
  if (origin.file) files[origin.file] = sha(origin.source);
  let imports: boolean;
  try {
    imports = (await moduleImports(origin.source, loaderOf(origin))).some((i) => !isNodeBuiltin(i.path));
  } catch (error) {
    return { imports: true, files, error: describe(error) };
  }
  if (!imports) return { imports, files };
  const assets = new Set<string>();
  const unresolved = new Set<string>();
  try {
    const result = await build({
      ...(origin.file ? { entryPoints: [origin.file] } : { stdin: { contents: origin.source, loader: loaderOf(origin), resolveDir: origin.resolveDir } }),
      absWorkingDir: origin.resolveDir,
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      conditions: EDGE_CONDITIONS,
      mainFields: EDGE_MAIN_FIELDS,
      loader: { '.js': 'jsx' },
      plugins: [lenient(assets, unresolved)],
      logLevel: 'silent',
    });
    const read = Object.keys(result.metafile.inputs).filter((path) => path !== '<stdin>').map((path) => resolve(origin.resolveDir, path));
    for (const path of [...read, ...assets]) {
      hashFile(path);
      const manifest = packageManifest(path);
      if (manifest && !(manifest in files)) hashFile(manifest);
    }
    return { imports, files, ...(unresolved.size > 0 ? { unresolved: [...unresolved].sort() } : {}) };
  } catch (error) {
    return { imports, files, error: describe(error) };
  }
}

/** esbuild's messages (file, line, text), or the error's message. */
function describe(error: unknown): string {
  const errors = (error as { errors?: Message[] }).errors;
  if (!errors?.length) return String((error as Error)?.message ?? error);
  return errors.map((e) => `${e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ` : ''}${e.text}`).join('\n');
}

/** The deepest folder that contains every given path (absolute paths; folders or files' folders). */
export function commonAncestor(folders: string[]): string {
  const split = folders.map((folder) => resolve(folder).split('/').filter(Boolean));
  const common: string[] = [];
  for (let i = 0; split.every((parts) => i < parts.length && parts[i] === split[0][i]); i++) common.push(split[0][i]);
  return `/${common.join('/')}`;
}

/** The folder of every input file (for the Turbopack root). */
export function inputFolders(inputs: RouteInputs): string[] {
  return Object.keys(inputs.files).map((file) => dirname(file));
}

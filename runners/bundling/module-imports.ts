/**
 * What a module imports, read without resolving anything: esbuild parses it and lists each import
 * with its kind. Shared by the bundler (runners/bundling/bundle-route.ts) and the Next.js runner, which must know
 * whether a route imports anything before it decides how to build it.
 */
import { builtinModules } from 'node:module';
import { build, type ImportKind, type Loader } from 'esbuild';

/** Every name Node resolves as a built-in, with and without the `node:` prefix. */
const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** True when `specifier` names a Node built-in (`fs`, `node:fs`, `node:test` ...). */
export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(specifier);
}

/** Every name Node resolves as a built-in (for esbuild's `external`). */
export function nodeBuiltinNames(): string[] {
  return [...NODE_BUILTINS];
}

/** One import of a module: its specifier as written and how it is imported. */
export interface ModuleImport {
  path: string;
  kind: ImportKind;
}

/** The imports of a module's source (static, dynamic with a literal, require calls), unresolved; `sourcefile` names it in errors. */
export async function moduleImports(source: string, loader: Loader, sourcefile?: string): Promise<ModuleImport[]> {
  const result = await build({
    stdin: { contents: source, loader, ...(sourcefile ? { sourcefile } : {}) },
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    external: ['*'],
    logLevel: 'silent',
  });
  return Object.values(result.metafile.inputs).flatMap((input) => input.imports.filter((i) => i.path !== '<runtime>').map(({ path, kind }) => ({ path, kind })));
}

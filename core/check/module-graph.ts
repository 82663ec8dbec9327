/**
 * A route's module graph as the platform's build resolves it: esbuild bundles the entry with the
 * platform's export conditions and main fields (writing nothing), and its metafile gives each file's
 * imports and whether it is CommonJS; each file the entry reaches comes with its shortest import chain.
 */
import { resolve } from 'node:path';
import { build, formatMessages, type Message, type Metafile, type Plugin } from 'esbuild';
import { nodeBuiltinNames } from '../../runners/bundling/module-imports.ts';

/** How the platform's build resolves modules. */
export interface GraphOptions {
  /** Export conditions for package resolution (esbuild `conditions`), e.g. ['edge-light', 'worker', 'browser']. */
  conditions: string[];
  /** esbuild `mainFields`; default ['module', 'main']. */
  mainFields?: string[];
  /**
   * Packages the platform provides, whose imports are neither followed nor scanned (esbuild
   * `external` patterns): a Next.js route's `next` and `next/*`, which Next builds for the edge itself.
   */
  provided?: string[];
}

/** A `.wasm` import the platform compiles at deploy: `./a.wasm` or `./a.wasm?module`. */
export const WASM_IMPORT = /\.wasm(\?module)?$/;


/** Keeps `.wasm` imports out of the bundle: the platform, not esbuild, loads them. */
export const wasmExternal: Plugin = {
  name: 'edgecompat-wasm-external',
  setup(b) {
    b.onResolve({ filter: WASM_IMPORT }, (args) => ({ path: args.path, external: true }));
  },
};


/** Bundles `entry` as the platform would, for the metafile; a build error throws esbuild's formatted message. */
export async function moduleGraph(entry: string, options: GraphOptions, absWorkingDir: string): Promise<Metafile> {
  try {
    const result = await build({
      entryPoints: [entry],
      absWorkingDir,
      bundle: true,
      write: false,
      // A route may import CSS, which esbuild bundles only with an output path; nothing is written there.
      outdir: resolve(absWorkingDir, '.edgecompat-check-out'),
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      conditions: options.conditions,
      mainFields: options.mainFields ?? ['module', 'main'],
      external: ['node:*', ...nodeBuiltinNames(), ...(options.provided ?? [])],
      plugins: [wasmExternal],
      logLevel: 'silent',
    });
    return result.metafile;
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (!errors?.length) throw error;
    const text = await formatMessages(errors, { kind: 'error', color: false });
    throw new Error(text.join('').trim(), { cause: error });
  }
}


/** Each input of the metafile that the entry reaches, with its shortest import chain (absolute paths; breadth first). */
export function chains(metafile: Metafile, entry: string, workingDir: string): Map<string, string[]> {
  const entryKey = Object.values(metafile.outputs).find((o) => o.entryPoint !== undefined)?.entryPoint ?? Object.keys(metafile.inputs).find((k) => resolve(workingDir, k) === entry);
  const found = new Map<string, string[]>();
  if (entryKey === undefined || !metafile.inputs[entryKey]) return found;
  found.set(entryKey, [entry]);
  const queue = [entryKey];
  for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
    const chain = found.get(key)!;
    for (const edge of metafile.inputs[key].imports) {
      if (edge.external || found.has(edge.path) || !metafile.inputs[edge.path]) continue;
      found.set(edge.path, [...chain, resolve(workingDir, edge.path)]);
      queue.push(edge.path);
    }
  }
  return found;
}

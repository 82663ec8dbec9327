/**
 * The static forbidden-API scan of `edgecompat check` (core/check/forbidden-uses.ts), on the files in
 * test/fixtures/forbidden-uses/: each use's rule, file, line and column (the TypeScript source's,
 * not the transformed output's), what it names, and the import chain that reaches its file.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findForbiddenUses, type ForbiddenRule, type ForbiddenUse } from '../core/check/forbidden-uses.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/forbidden-uses/', import.meta.url));
const fixture = (path: string): string => join(FIXTURES, path);

/** The built-ins Vercel's edge runtime offers. */
const SOME_BUILTINS = ['buffer', 'events', 'async_hooks', 'assert', 'util'];

/** The use expected at `file`:`line`:`column`, reached by `chain` (by default, `file` is the entry). */
function use(rule: ForbiddenRule, file: string, line: number, column: number, what: string, chain: string[] = [file]): ForbiddenUse {
  return { rule, file, line, column, what, chain };
}

describe('findForbiddenUses: a TypeScript route', () => {
  const route = fixture('route.ts');
  // In route order; the types above the uses (lines 7-13) would shift every line if positions came from transformed output.
  const uses = [
    use('node-builtin', route, 3, 16, 'node:fs'),
    use('indirect-eval', route, 17, 29, 'eval'), // const indirect: Compile = eval
    use('new-function', route, 18, 25, 'AsyncFunction'), // Object.getPrototypeOf(async function () {}).constructor
    use('eval', route, 20, 5, 'eval'),
    use('indirect-eval', route, 22, 5, 'globalThis.eval'),
    use('new-function', route, 23, 5, 'new Function'),
    use('new-function', route, 24, 5, 'Function'),
    use('new-function', route, 26, 5, 'GeneratorFunction'), // (function* () {}).constructor
    use('string-timer', route, 28, 3, 'setTimeout(string)'), // not line 29's setTimeout(() => ...)
    use('wasm-bytes', route, 30, 21, 'WebAssembly.compile'), // not line 31's instantiate(wasmModule)
    use('wasm-bytes', route, 32, 21, 'WebAssembly.instantiate'),
    use('require', route, 33, 15, "require('fs')"),
    use('node-builtin', route, 33, 23, 'fs'),
    use('module-exports', route, 34, 3, 'module'),
    use('dirname', route, 35, 15, '__dirname'),
    use('process-member', route, 35, 26, 'process.cwd'), // not process.env.HOME nor typeof process
    use('node-builtin', route, 36, 66, 'node:child_process'),
  ];

  it('finds each forbidden use at its position in the source as written, and none of the allowed look-alikes', async () => {
    expect(await findForbiddenUses(route, { conditions: ['edge-light'], nodeBuiltins: SOME_BUILTINS })).toEqual(uses);
  });

  it('counts node:buffer when the platform offers no built-ins, and no built-in when it offers them all', async () => {
    const none = await findForbiddenUses(route, { conditions: ['edge-light'], nodeBuiltins: [] });
    expect(none).toEqual([...uses.slice(0, 1), use('node-builtin', route, 4, 24, 'node:buffer'), ...uses.slice(1)]);
    const all = await findForbiddenUses(route, { conditions: ['edge-light'], nodeBuiltins: 'all' });
    expect(all).toEqual(uses.filter((u) => u.rule !== 'node-builtin'));
  });

  it('finds the other forms of each use in plain JavaScript', async () => {
    const file = fixture('variants.js');
    expect(await findForbiddenUses(file, { conditions: [], nodeBuiltins: SOME_BUILTINS })).toEqual([
      use('node-builtin', file, 3, 15, 'node:os'), // export * from
      use('node-builtin', file, 4, 28, 'node:crypto'), // export { } from
      use('process-member', file, 7, 11, 'process.cwd'), // const { cwd, env, ...rest } = process: cwd and rest, not env
      use('process-member', file, 7, 21, 'process.…'),
      use('indirect-eval', file, 9, 9, 'eval'), // (0, eval)
      use('indirect-eval', file, 10, 5, 'self.eval'),
      use('new-function', file, 11, 5, 'new globalThis.Function'),
      use('string-timer', file, 12, 5, 'setTimeout(string)'), // self.setTimeout('tick()' + x)
      use('string-timer', file, 13, 5, 'setInterval(string)'), // a template literal
      use('process-member', file, 14, 5, 'globalThis.process.exit'),
      use('process-member', file, 15, 5, 'process.cwd'), // process['cwd']
      use('wasm-bytes', file, 16, 5, 'WebAssembly.compileStreaming'),
      use('wasm-bytes', file, 17, 5, 'new WebAssembly.Module'),
      // line 18 instantiates the default import of './add.wasm': allowed
      use('wasm-bytes', file, 19, 5, 'WebAssembly.instantiateStreaming'),
      use('new-function', file, 20, 5, 'AsyncGeneratorFunction'),
      // line 21 reads typeof eval and typeof __dirname: allowed
      use('require', file, 22, 5, 'require'), // require.resolve
      use('module-exports', file, 23, 5, 'exports'),
    ]);
  });

  it('skips what TypeScript erases: a type-only import, and a `declare` that does not hide the global', async () => {
    const file = fixture('ambient.ts');
    expect(await findForbiddenUses(file, { conditions: [], nodeBuiltins: [] })).toEqual([use('process-member', file, 6, 34, 'process.cwd')]);
  });

  it('reports no local, parameter or import that only shares a global name', async () => {
    expect(await findForbiddenUses(fixture('shadowing.ts'), { conditions: [], nodeBuiltins: [] })).toEqual([]);
  });

  it('reports nothing in a clean route', async () => {
    expect(await findForbiddenUses(fixture('clean.ts'), { conditions: [], nodeBuiltins: [] })).toEqual([]);
  });
});

describe('findForbiddenUses: the module graph', () => {
  const entry = fixture('entry.ts');
  const helper = fixture('lib/helper.ts');

  it('follows the export conditions into a package and gives the chain to the file of the use', async () => {
    const edge = fixture('node_modules/evil-dep/edge.js');
    expect(await findForbiddenUses(entry, { conditions: ['edge-light'], nodeBuiltins: [] })).toEqual([use('eval', edge, 3, 10, 'eval', [entry, helper, edge])]);
  });

  it('scans the default build of the package, not the edge one, without the condition', async () => {
    const node = fixture('node_modules/evil-dep/node.js');
    expect(await findForbiddenUses(entry, { conditions: [], nodeBuiltins: [] })).toEqual([
      use('node-builtin', node, 2, 30, 'node:fs', [entry, helper, node]),
      use('dirname', node, 5, 23, '__filename', [entry, helper, node]),
    ]);
  });

  it("allows a CommonJS file its require and module.exports, but not a require of a built-in the platform lacks", async () => {
    const cjsEntry = fixture('cjs-entry.ts');
    const index = fixture('node_modules/cjs-dep/index.js');
    expect(await findForbiddenUses(cjsEntry, { conditions: [], nodeBuiltins: [] })).toEqual([use('node-builtin', index, 3, 20, 'fs', [cjsEntry, index])]);
    expect(await findForbiddenUses(cjsEntry, { conditions: [], nodeBuiltins: ['fs'] })).toEqual([]);
  });

  it("rejects with esbuild's message, naming the file and line, when an imported file does not parse", async () => {
    const scan = findForbiddenUses(fixture('broken-entry.js'), { conditions: [], nodeBuiltins: [] });
    await expect(scan).rejects.toThrow(/Unexpected ";"[\s\S]*test\/fixtures\/forbidden-uses\/lib\/broken\.js:3:25/);
  });
});

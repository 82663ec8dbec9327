/**
 * The static forbidden-API scan behind `edgecompat check`: every use, in a route's module graph, of
 * an API that edge platforms refuse or lack (code from strings, WebAssembly compiled from bytes,
 * CommonJS and Node globals, Node built-ins the platform does not offer).
 *
 * esbuild resolves the graph as the platform's build would (its export conditions and main fields),
 * and its metafile gives each file's imports and whether it is CommonJS. Each file is then parsed
 * from disk as written (so positions are the source's, TypeScript included) with @babel/parser, and
 * walked with @babel/traverse, whose scope analysis tells a global (`eval`, `process`, `require` ...)
 * from a local, a parameter or an import of the same name: only globals count.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import type { ParserPlugin } from '@babel/parser';
import type { Node, NodePath, Scope, Visitor } from '@babel/traverse';
import { isNodeBuiltin } from '../../runners/bundling/module-imports.ts';
import { loadBabel, type Babel } from './babel.ts';
import { chains, moduleGraph, WASM_IMPORT, type GraphOptions } from './module-graph.ts';
import { functionOf, globalPath, isErased, isFree, outermost, propertyName, stringValue, unwrap, type NodeOf } from './global-reads.ts';

/**
 * What a forbidden use is:
 * - `eval`: a direct call of the global `eval` (`eval('...')`).
 * - `indirect-eval`: any other read of the global `eval`: `(0, eval)(...)`, `globalThis.eval(...)`,
 *   `self.eval`, `window.eval`, `const e = eval`.
 * - `new-function`: code compiled by a function constructor: `new Function(...)`, `Function(...)`,
 *   `globalThis.Function(...)`, and the constructor read off a function, which gives `Function`,
 *   `AsyncFunction`, `GeneratorFunction` or `AsyncGeneratorFunction`: `(async () => {}).constructor`,
 *   `Object.getPrototypeOf(function* () {}).constructor`.
 * - `string-timer`: `setTimeout` / `setInterval` (global, or a member of `globalThis`, `self` ...)
 *   called with a string first argument: a string literal, a template literal or a concatenation.
 * - `wasm-bytes`: WebAssembly compiled from bytes at run time: `WebAssembly.compile(...)`,
 *   `WebAssembly.compileStreaming(...)`, `new WebAssembly.Module(...)`, and
 *   `WebAssembly.instantiate(x)` / `instantiateStreaming(x)` unless `x` is the default import of a
 *   `.wasm` file (`import m from './a.wasm'` or `'./a.wasm?module'`), which the platform compiles at deploy.
 * - `require`: the global `require` in an ES module.
 * - `module-exports`: the global `module` or `exports` in an ES module.
 * - `dirname`: the global `__dirname` or `__filename`, in any file (bundlers leave them free).
 * - `process-member`: a member of the global `process` other than `env`: `process.cwd()`,
 *   `process['cwd']`, `const { cwd } = process`.
 * - `node-builtin`: an import of a Node built-in the platform does not offer: a static import, an
 *   `export ... from`, `import()` or `require()` with a string literal, in any file.
 */
export type ForbiddenRule = 'eval' | 'indirect-eval' | 'new-function' | 'string-timer' | 'wasm-bytes' | 'require' | 'module-exports' | 'dirname' | 'process-member' | 'node-builtin';

/** One forbidden use: which rule, where, and how the entry reaches its file. */
export interface ForbiddenUse {
  /** The rule the use breaks. */
  rule: ForbiddenRule;
  /** Absolute path of the file that holds the use. */
  file: string;
  /** 1-based line of the use in the file as written (TypeScript positions, not transformed output). */
  line: number;
  /** 1-based column of the use in the file as written. */
  column: number;
  /** What is used, short: "eval", "new Function", "process.cwd", "require('fs')", "node:fs", "setTimeout(string)", "WebAssembly.compile", "__dirname", "AsyncFunction" ... */
  what: string;
  /** The import chain that reaches the file: absolute paths from the entry (first) to `file` (last); just [entry] for a use in the entry itself. */
  chain: string[];
}

/** How the platform's build resolves modules, and which Node built-ins it offers. */
export interface ScanOptions extends GraphOptions {
  /** The Node built-ins the platform offers: 'all', or module names without `node:` (['buffer', 'events', 'async_hooks']); [] means none. */
  nodeBuiltins: 'all' | string[];
}

/** The files this scan parses, by extension, with the Babel syntax plugins each needs. */
const SYNTAX: Record<string, ParserPlugin[]> = {
  '.ts': ['typescript', 'decorators-legacy'],
  '.mts': ['typescript', 'decorators-legacy'],
  '.cts': ['typescript', 'decorators-legacy'],
  '.tsx': [['typescript', {}], 'jsx', 'decorators-legacy'],
  '.js': ['jsx'],
  '.jsx': ['jsx'],
  '.mjs': [],
  '.cjs': [],
};

/** Identifiers whose every free read is checked (rules eval, indirect-eval, require, module-exports, dirname). */
const WATCHED_IDENTIFIERS = new Set(['eval', 'require', 'module', 'exports', '__dirname', '__filename']);

/** The `.constructor` of each kind of function: the constructor that compiles that kind from strings. */
function constructorName(fn: { async?: boolean; generator?: boolean }): string {
  return `${fn.async ? 'Async' : ''}${fn.generator ? 'Generator' : ''}Function`;
}

/** Every forbidden use in the module graph of `entry` (an absolute path to a .js/.mjs/.cjs/.ts/.tsx/.jsx file), sorted by file, line, column. */
export async function findForbiddenUses(entry: string, options: ScanOptions): Promise<ForbiddenUse[]> {
  const entryPath = resolve(entry);
  const workingDir = process.cwd();
  const metafile = await moduleGraph(entryPath, options, workingDir);
  const { parse, traverse } = await loadBabel();
  const uses: ForbiddenUse[] = [];
  for (const [key, chain] of chains(metafile, entryPath, workingDir)) {
    const file = chain[chain.length - 1];
    const syntax = SYNTAX[extname(file)];
    if (!syntax) continue; // JSON and other non-script inputs
    let source: string;
    try {
      source = await readFile(file, 'utf8');
    } catch {
      continue; // a virtual module (an esbuild namespace), nothing on disk
    }
    const commonJs = metafile.inputs[key].format === 'cjs';
    for (const use of scanSource({ parse, traverse }, source, file, syntax, commonJs, options.nodeBuiltins)) uses.push({ ...use, file, chain: [...chain] });
  }
  return uses.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule)));
}

/** A forbidden use found in one file, before the file and chain are known. */
export type FileUse = Pick<ForbiddenUse, 'rule' | 'line' | 'column' | 'what'>;

/** The forbidden uses in one ES module's own source (no import followed), as a platform offering `nodeBuiltins` sees them. */
export async function forbiddenUsesInModule(source: string, file: string, nodeBuiltins: ScanOptions['nodeBuiltins']): Promise<FileUse[]> {
  return scanSource(await loadBabel(), source, file, SYNTAX['.mjs'], false, nodeBuiltins);
}

/** The forbidden uses in one file's source. A syntax error that esbuild let through throws, naming the file and line. */
function scanSource({ parse, traverse }: Babel, source: string, file: string, plugins: ParserPlugin[], commonJs: boolean, nodeBuiltins: ScanOptions['nodeBuiltins']): FileUse[] {
  let ast: ReturnType<typeof parse>;
  try {
    ast = parse(source, {
      sourceType: 'unambiguous',
      sourceFilename: file,
      plugins: [...plugins, 'explicitResourceManagement'],
      errorRecovery: false,
      allowReturnOutsideFunction: commonJs,
      allowUndeclaredExports: true,
    });
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    throw new Error(loc ? `${file}:${loc.line}:${loc.column + 1}: ${(error as Error).message}` : `${file}: ${String(error)}`, { cause: error });
  }
  const uses: FileUse[] = [];
  const report = (rule: ForbiddenRule, node: Node, what: string): void => {
    if (node.loc) uses.push({ rule, line: node.loc.start.line, column: node.loc.start.column + 1, what });
  };
  const builtin = (specifier: Node | null | undefined): void => {
    const name = stringValue(specifier);
    if (specifier && name !== undefined && isNodeBuiltin(name) && !offers(nodeBuiltins, name)) report('node-builtin', specifier, name);
  };
  traverse(ast, scanVisitor(commonJs, report, builtin));
  return uses;
}

/** True when the platform offers the built-in `specifier` (`fs`, `node:fs`, `fs/promises` ...). */
function offers(nodeBuiltins: ScanOptions['nodeBuiltins'], specifier: string): boolean {
  return nodeBuiltins === 'all' || nodeBuiltins.includes(specifier.replace(/^node:/, ''));
}

/** The visitor that reports each rule's uses in one file. */
function scanVisitor(commonJs: boolean, report: (rule: ForbiddenRule, node: Node, what: string) => void, builtin: (specifier: Node | null | undefined) => void): Visitor {
  /** Calls and `new`: Function, string timers, WebAssembly, require() and import() of built-ins. */
  const call = (path: NodePath<NodeOf<'CallExpression' | 'OptionalCallExpression' | 'NewExpression'>>): void => {
    const { node, scope } = path;
    const callee = unwrap(node.callee);
    const isNew = node.type === 'NewExpression';
    if (callee.type === 'Import') return builtin(node.arguments[0]);
    if (callee.type === 'Identifier' && callee.name === 'require' && !isNew && isFree(scope, 'require')) builtin(node.arguments[0]);
    const ref = globalPath(callee, scope);
    if (!ref) return;
    const [name, member] = ref.path;
    if (ref.path.length === 1 && name === 'Function') report('new-function', node, isNew ? `new ${ref.text}` : ref.text);
    if (ref.path.length === 1 && (name === 'setTimeout' || name === 'setInterval') && !isNew && isStringy(node.arguments[0])) report('string-timer', node, `${name}(string)`);
    if (ref.path.length === 2 && name === 'WebAssembly') {
      if (isNew ? member === 'Module' : member === 'compile' || member === 'compileStreaming') report('wasm-bytes', node, `${isNew ? 'new ' : ''}${ref.text}`);
      if (!isNew && (member === 'instantiate' || member === 'instantiateStreaming') && !isWasmImport(node.arguments[0], scope)) report('wasm-bytes', node, ref.text);
    }
  };
  /** Member reads: `globalThis.eval`, `process.X`, `<function>.constructor`. */
  const member = (path: NodePath<NodeOf<'MemberExpression' | 'OptionalMemberExpression'>>): void => {
    const { node, scope } = path;
    const ref = globalPath(node, scope);
    if (ref && ref.path.length === 1 && ref.path[0] === 'eval') report('indirect-eval', node, ref.text);
    const key = propertyName(node);
    const object = globalPath(node.object, scope);
    if (object && object.path.length === 1 && object.path[0] === 'process' && key !== 'env') report('process-member', node, key === undefined ? `${object.text}[…]` : `${object.text}.${key}`);
    if (key === 'constructor') {
      const fn = functionOf(node.object, scope);
      if (fn) report('new-function', node, constructorName(fn));
    }
  };
  /** Destructuring the global process: `const { cwd } = process`, `({ cwd } = process)`, `function f({ cwd } = process)`. */
  const destructure = (pattern: Node, value: Node | null | undefined, scope: Scope): void => {
    if (pattern.type !== 'ObjectPattern' || !value) return;
    const object = globalPath(value, scope);
    if (!object || object.path.length !== 1 || object.path[0] !== 'process') return;
    for (const property of pattern.properties) {
      if (property.type === 'RestElement') report('process-member', property, `${object.text}.…`);
      else {
        const key = property.computed ? stringValue(property.key) : property.key.type === 'Identifier' ? property.key.name : stringValue(property.key);
        if (key !== 'env') report('process-member', property, key === undefined ? `${object.text}[…]` : `${object.text}.${key}`);
      }
    }
  };
  return {
    // Types and ambient declarations are erased: nothing in them runs.
    enter(path) {
      if (isErased(path)) path.skip();
    },
    Identifier(path) {
      const { node, scope } = path;
      if (!WATCHED_IDENTIFIERS.has(node.name) || !path.isReferencedIdentifier() || !isFree(scope, node.name)) return;
      const outer = outermost(path);
      const parent = outer.parent;
      if (parent?.type === 'UnaryExpression' && parent.operator === 'typeof') return; // a feature test reads nothing
      switch (node.name) {
        case 'eval':
          report(parent?.type === 'CallExpression' && parent.callee === outer.node ? 'eval' : 'indirect-eval', node, 'eval');
          break;
        case 'require':
          if (!commonJs) {
            const specifier = parent?.type === 'CallExpression' && parent.callee === outer.node ? stringValue(parent.arguments[0]) : undefined;
            report('require', node, specifier === undefined ? 'require' : `require('${specifier}')`);
          }
          break;
        case 'module':
        case 'exports':
          if (!commonJs) report('module-exports', node, node.name);
          break;
        default: // __dirname, __filename
          report('dirname', node, node.name);
      }
    },
    CallExpression: call,
    OptionalCallExpression: call,
    NewExpression: call,
    MemberExpression: member,
    OptionalMemberExpression: member,
    VariableDeclarator(path) {
      destructure(path.node.id, path.node.init, path.scope);
    },
    AssignmentExpression(path) {
      if (path.node.operator === '=') destructure(path.node.left, path.node.right, path.scope);
    },
    AssignmentPattern(path) {
      destructure(path.node.left, path.node.right, path.scope);
    },
    ImportDeclaration(path) {
      const { node } = path;
      // `import { type A } from 'x'` is erased like `import type { A } from 'x'`.
      if (node.specifiers.length > 0 && node.specifiers.every((s) => s.type === 'ImportSpecifier' && s.importKind === 'type')) return;
      builtin(node.source);
    },
    ExportNamedDeclaration(path) {
      builtin(path.node.source);
    },
    ExportAllDeclaration(path) {
      builtin(path.node.source);
    },
    ImportExpression(path) {
      builtin(path.node.source);
    },
    TSImportEqualsDeclaration(path) {
      const reference = path.node.moduleReference;
      if (reference.type === 'TSExternalModuleReference') builtin(reference.expression);
    },
  };
}

/** True for a string first argument of a timer: a string or template literal, or a concatenation with one. */
function isStringy(node: Node | null | undefined): boolean {
  if (!node) return false;
  const inner = unwrap(node);
  if (inner.type === 'StringLiteral' || inner.type === 'TemplateLiteral') return true;
  return inner.type === 'BinaryExpression' && inner.operator === '+' && (isStringy(inner.left) || isStringy(inner.right));
}

/** True when `node` is an identifier bound to the default import of a `.wasm` file, which the platform compiles at deploy. */
function isWasmImport(node: Node | null | undefined, scope: Scope): boolean {
  const inner = node && unwrap(node);
  if (inner?.type !== 'Identifier') return false;
  const binding = scope.getBinding(inner.name);
  if (!binding || binding.kind !== 'module' || binding.path.node.type !== 'ImportDefaultSpecifier') return false;
  const declaration = binding.path.parent;
  return declaration.type === 'ImportDeclaration' && WASM_IMPORT.test(declaration.source.value);
}

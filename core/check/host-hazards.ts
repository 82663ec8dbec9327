/**
 * What a route may do that a warm host's proof cannot read (runners/types.ts `Hazard`), found in its
 * bundle before it runs: the engine gives a route with a hazard its runtime's proof is blind to a
 * fresh host instead of a warm one. The scan reads the module as Babel parses it, with the same
 * scope analysis as `check` (global-reads.ts): only reads of the globals count, not a local of the
 * same name. It errs on the side of a fresh host: a module it cannot parse, or one too large to scan
 * cheaply (a size case's generated payload), has every hazard.
 */
import type { Node, NodePath } from '@babel/traverse';
import type { Hazard } from '../../runners/types.ts';
import { loadBabel } from './babel.ts';
import { forbiddenUsesInModule, type ForbiddenRule } from './forbidden-uses.ts';
import { globalPath, isFree, stringValue, unwrap, type NodeOf } from './global-reads.ts';
import { throwsAtTopLevel } from './top-level-throws.ts';

/** Every hazard: what a module the scan cannot read is taken to have. */
export const ALL_HAZARDS: readonly Hazard[] = ['timers', 'global-listeners', 'code-from-strings', 'node-builtins', 'files'];

/** A module larger than this is not scanned (a size case's payload): it has every hazard. */
const MAX_SCANNED_BYTES = 1_000_000;

/**
 * The Node built-ins whose state lies in their exports, which a warm host's proof walks (the route's
 * imports of them are loaded before its baseline): a patched `Buffer.prototype` or
 * `util.inspect.defaultOptions` is a change it reads. Any other built-in keeps state it cannot read
 * (fs and the files, child_process, async_hooks' hooks, diagnostics_channel's subscribers, v8's
 * flags, dns' resolver order, timers ...): importing one is the `node-builtins` hazard.
 */
export const PROVEN_BUILTINS: readonly string[] = ['assert', 'assert/strict', 'buffer', 'events', 'path', 'path/posix', 'path/win32', 'querystring', 'stream', 'stream/promises', 'stream/web', 'string_decoder', 'url', 'util', 'zlib'];

/** Which hazard each of `check`'s forbidden-use rules is. */
const RULE_HAZARD: Partial<Record<ForbiddenRule, Hazard>> = {
  eval: 'code-from-strings',
  'indirect-eval': 'code-from-strings',
  'new-function': 'code-from-strings',
  'string-timer': 'code-from-strings',
  'wasm-bytes': 'code-from-strings',
  'node-builtin': 'node-builtins',
};

/** Globals whose read starts a timer, or whose call may. */
const TIMER_GLOBALS = new Set(['setTimeout', 'setInterval', 'setImmediate']);
/** Global methods that keep a listener on the global object. */
const LISTENER_GLOBALS = new Set(['addEventListener', 'removeEventListener']);
/** Members of a runtime's namespace that write files. */
const FILE_WRITERS: Record<string, ReadonlySet<string>> = {
  Bun: new Set(['write', 'file']),
  Deno: new Set(['writeFile', 'writeTextFile', 'create', 'open', 'openSync', 'mkdir', 'remove', 'rename', 'truncate', 'symlink', 'link', 'chmod', 'chown', 'makeTempDir', 'makeTempFile', 'copyFile', 'utime']),
};
/** Members of `process` that reach state no property shows. */
const PROCESS_INTERNALS = new Set(['binding', '_linkedBinding', 'dlopen', 'getBuiltinModule']);

/** Scans by source, so columns that bundle a route alike scan it once; the oldest are let go first. */
const scanned = new Map<string, Promise<Set<Hazard>>>();
const MAX_REMEMBERED = 4096;

/** The hazards of one bundled ES module. */
export function hostHazards(source: string): Promise<Set<Hazard>> {
  // A size case's route (megabytes of payload) is never scanned, and never kept as a key.
  if (source.length > MAX_SCANNED_BYTES) return Promise.resolve(new Set(ALL_HAZARDS));
  let found = scanned.get(source);
  if (!found) {
    found = scan(source);
    scanned.set(source, found);
    if (scanned.size > MAX_REMEMBERED) scanned.delete(scanned.keys().next().value!);
  }
  return found;
}

/**
 * The hazards of `wanted` that a route module has (Runner.scanFor). `source` is the module as the
 * runner gets it, or for a size case its route before the payload goes in (a string literal the scan
 * would only take for too large to read). `top-level-throw` is scanned only when wanted.
 */
export async function routeHazards(source: string, wanted: readonly Hazard[]): Promise<Hazard[]> {
  const found = wanted.some((h) => h !== 'top-level-throw') ? await hostHazards(source) : new Set<Hazard>();
  if (wanted.includes('top-level-throw') && (await throwsAtTopLevel(source))) found.add('top-level-throw');
  return wanted.filter((h) => found.has(h));
}

/**
 * Every word through which a module can reach a hazard: one without any of them has none, and is not
 * parsed (most probe routes).
 */
const HAZARD_WORDS = /\b(?:setTimeout|setInterval|setImmediate|addEventListener|removeEventListener|eval|Function|constructor|import|require|process|Bun|Deno|AbortSignal|WebAssembly|globalThis|self|window|global)\b/;

async function scan(source: string, file = 'route.mjs'): Promise<Set<Hazard>> {
  if (source.length > MAX_SCANNED_BYTES) return new Set(ALL_HAZARDS);
  if (!HAZARD_WORDS.test(source)) return new Set();
  const found = new Set<Hazard>();
  try {
    for (const use of await forbiddenUsesInModule(source, file, [...PROVEN_BUILTINS])) {
      const hazard = RULE_HAZARD[use.rule];
      if (hazard) found.add(hazard);
    }
    const { parse, traverse } = await loadBabel();
    const ast = parse(source, { sourceType: 'module', sourceFilename: file, errorRecovery: false });
    traverse(ast, {
      Identifier(path) {
        const { node, scope } = path;
        if (!path.isReferencedIdentifier() || !isFree(scope, node.name)) return;
        if (TIMER_GLOBALS.has(node.name)) found.add('timers');
        if (LISTENER_GLOBALS.has(node.name)) found.add('global-listeners');
      },
      MemberExpression: (path) => member(path, found),
      OptionalMemberExpression: (path) => member(path, found),
      ImportExpression(path) {
        if (stringValue(path.node.source) === undefined) found.add('node-builtins');
      },
      CallExpression(path) {
        const callee = unwrap(path.node.callee);
        if (callee.type === 'Import' && stringValue(path.node.arguments[0]) === undefined) found.add('node-builtins');
        if (callee.type === 'Identifier' && callee.name === 'require' && isFree(path.scope, 'require') && stringValue(path.node.arguments[0]) === undefined) found.add('node-builtins');
      },
    });
  } catch {
    return new Set(ALL_HAZARDS);
  }
  return found;
}

/** A member read: a timer, a listener or a file writer reached through a global (`globalThis.setTimeout`, `Bun.write`), `AbortSignal.timeout`, process internals. */
function member(path: NodePath<NodeOf<'MemberExpression' | 'OptionalMemberExpression'>>, found: Set<Hazard>): void {
  const ref = globalPath(path.node as Node, path.scope);
  if (!ref) return;
  const [name, key] = ref.path;
  if (ref.path.length === 1 && TIMER_GLOBALS.has(name)) found.add('timers');
  if (ref.path.length === 1 && LISTENER_GLOBALS.has(name)) found.add('global-listeners');
  if (ref.path.length === 2 && name === 'AbortSignal' && key === 'timeout') found.add('timers');
  if (ref.path.length === 2 && FILE_WRITERS[name]?.has(key)) found.add('files');
  if (ref.path.length === 2 && name === 'process' && PROCESS_INTERNALS.has(key)) found.add('node-builtins');
}

/**
 * Babel's parser and traverser for the static scans (`check`'s forbidden uses, the host hazards of
 * verified isolation), loaded on the first scan: they weigh about 25 MB that a run without a scan
 * never needs.
 */
import type traverseModule from '@babel/traverse';

/** Babel's parser and traverser, loaded on the first scan: they weigh about 25 MB that `run` never needs. */
export interface Babel {
  parse: typeof import('@babel/parser').parse;
  traverse: typeof traverseModule.default;
}

let babel: Promise<Babel> | undefined;

export function loadBabel(): Promise<Babel> {
  babel ??= Promise.all([import('@babel/parser'), import('@babel/traverse')]).then(([parser, traverser]) => ({
    parse: parser.parse,
    // @babel/traverse is CommonJS: under Node's ES module loader (and so TypeScript's NodeNext) its
    // default export is `module.exports`, whose `default` is the function; a bundler may hand over either.
    traverse: ((traverser.default as { default?: unknown }).default ?? traverser.default) as typeof traverseModule.default,
  }));
  return babel;
}

/**
 * The engine's scan of a route (core/check/host-hazards.ts): what a warm host's proof cannot read,
 * and what may fail the route's load (a throw or an await that runs while the module loads), with
 * only the globals counting, not a local of the same name.
 */
import { describe, expect, it } from 'vitest';
import { routeHazards } from '../core/check/host-hazards.ts';
import type { Hazard } from '../runners/types.ts';

const ALL: Hazard[] = ['timers', 'global-listeners', 'code-from-strings', 'node-builtins', 'files', 'top-level-throw'];

describe('routeHazards', () => {
  it.each([
    ['a plain route', "export default () => new Response('ok');", []],
    ['a throw at the top level', "throw new Error('at load');\nexport default () => new Response('');", ['top-level-throw']],
    ['an await at the top level', "const v = await Promise.resolve(1);\nexport default () => new Response(String(v));", ['top-level-throw']],
    ['a for await at the top level', 'for await (const x of []) {}\nexport default () => new Response("");', ['top-level-throw']],
    ['a throw in a block run at load', "if (globalThis.x) { throw new Error('x'); }\nexport default () => new Response('');", ['top-level-throw']],
    ['a throw in a class static block', "class A { static { throw new Error('x'); } }\nexport default () => new Response('');", ['top-level-throw']],
    ['awaits and throws inside functions only', "export default async (r) => { const t = await r.text(); if (!t) throw new Error('e'); return new Response(t); };\nclass B { m() { throw 1; } }", []],
    ['eval', "export default () => new Response(String(eval('1+1')));", ['code-from-strings']],
    ['a local named setTimeout', "const setTimeout = (f) => f();\nexport default () => new Response(setTimeout(() => 'x'));", []],
    ['a Node built-in with hidden state', "import fs from 'node:fs';\nexport default () => new Response(typeof fs.readFileSync);", ['node-builtins']],
    ['a Node built-in the proof walks', "import { Buffer } from 'node:buffer';\nexport default () => new Response(Buffer.from('a'));", []],
    ['a timer and a listener', "setTimeout(() => {}, 10);\naddEventListener('x', () => {});\nexport default () => new Response('');", ['timers', 'global-listeners']],
    ['a module that does not parse, with a word of the proof\'s hazards', 'export default () => setTimeout(', ALL.filter((h) => h !== 'top-level-throw')],
    ['a module that does not parse, with a throw', 'export default () => { throw (', ['top-level-throw']],
    ['a module that does not parse, without any of their words', 'export default () => new Response(', []],
  ] as const)('%s', async (_, source, expected) => {
    expect(await routeHazards(source, ALL)).toEqual(expected);
  });

  it('gives only the hazards asked for', async () => {
    expect(await routeHazards("setTimeout(() => {}, 1);\nthrow new Error('x');", ['top-level-throw'])).toEqual(['top-level-throw']);
    expect(await routeHazards("setTimeout(() => {}, 1);\nthrow new Error('x');", ['timers'])).toEqual(['timers']);
  });
});

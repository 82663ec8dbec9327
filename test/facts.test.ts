/**
 * What each runner lets a route observe agrees with what was seen of each runtime on its own (the
 * table below: eval, `new Function`, `process`, `Buffer`, `caches`, ... per runtime): the harness must not change what a route sees (no
 * bundler shim for `require`, no polyfilled globals, no lost EvalError). These are observations of
 * the runtimes, so they live here as a check on the runners, never as case expectations.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../core/run/client.ts';
import { parseProbeOutcome, probeRoute, type ProbeOutcome } from '../core/cases/probe.ts';
import { RUNNERS } from '../runners/registry.ts';
import type { Loaded, Runner } from '../runners/types.ts';
import { createClientAgent } from '../runners/client-agent.ts';

const PROBES = {
  eval: "eval('1+1')",
  newFunction: "new Function('return 1')()",
  process: 'typeof process',
  buffer: 'typeof Buffer',
  importFs: "import('node:fs').then(() => 'ok')",
  wasmCompile: "WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(() => 'ok')",
  caches: 'typeof caches',
  urlPattern: 'typeof URLPattern',
  userAgent: 'navigator.userAgent',
  require: 'typeof require',
} as const;
type Probe = keyof typeof PROBES;

/** A value the probe gives, or `throws: Name` for an error of that name. */
type Seen = string | number | { throws: string };
const E = (name: string) => ({ throws: name });
const EVAL = E('EvalError');

/**
 * What each runtime gave when probed on its own, without edgecompat (November 2026); the workerd
 * columns are a date without and with nodejs_compat. `require`: bundling once made `typeof require`
 * read "function" on edge-runtime and workerd, whose routes really see "undefined".
 */
const FACTS: Array<{ column: string; runner: string; settings: Record<string, unknown>; seen: Partial<Record<Probe, Seen>> }> = [
  { column: 'node', runner: 'node', settings: {}, seen: { eval: 2, newFunction: 1, process: 'object', buffer: 'function', importFs: 'ok', wasmCompile: 'ok', caches: 'undefined', urlPattern: 'undefined', userAgent: E('ReferenceError') } },
  { column: 'edge-runtime', runner: 'edge-runtime', settings: {}, seen: { eval: EVAL, newFunction: EVAL, process: 'undefined', buffer: 'undefined', importFs: E('TypeError'), wasmCompile: 'ok', caches: 'undefined', urlPattern: 'function', userAgent: E('ReferenceError'), require: 'undefined' } },
  { column: 'workerd', runner: 'workerd', settings: { compatibilityDate: '2024-09-23' }, seen: { eval: EVAL, newFunction: EVAL, process: 'undefined', buffer: 'undefined', importFs: E('Error'), wasmCompile: E('CompileError'), caches: 'object', urlPattern: 'function', userAgent: 'Cloudflare-Workers', require: 'undefined' } },
  // nodejs_compat: on by default at the binary's own (2026) date; import('node:fs') needs a recent date.
  { column: 'workerd + nodejs_compat', runner: 'workerd', settings: {}, seen: { eval: EVAL, newFunction: EVAL, process: 'object', buffer: 'function', importFs: 'ok', wasmCompile: E('CompileError'), caches: 'object', urlPattern: 'function', userAgent: 'Cloudflare-Workers' } },
  { column: 'deno', runner: 'deno', settings: {}, seen: { eval: 2, newFunction: 1, process: 'object', buffer: 'function', importFs: 'ok', wasmCompile: 'ok', caches: 'object', urlPattern: 'function', userAgent: 'Deno/2.9.6' } },
  { column: 'bun', runner: 'bun', settings: {}, seen: { eval: 2, newFunction: 1, process: 'object', buffer: 'function', importFs: 'ok', wasmCompile: 'ok', caches: 'undefined', urlPattern: 'function', userAgent: 'Bun/1.4.5' } },
];

const ROUTES = Object.entries(PROBES).map(([key, expr]) => ({ caseId: `facts/${key}`, key: key.toLowerCase(), source: probeRoute(expr) }));

function shown(outcome: ProbeOutcome | undefined): Seen | undefined {
  if (!outcome) return undefined;
  return outcome.ok ? (outcome.value as string | number) : { throws: outcome.name };
}

for (const fact of FACTS) {
  const workDir = mkdtempSync(join(tmpdir(), 'edgecompat-facts-'));
  const runner: Runner = RUNNERS[fact.runner](fact.settings, { workDir, env: process.env, log: () => {} });
  const missing = await runner.unavailable();

  describe.skipIf(missing !== undefined)(`runtime facts, ${fact.column}`, () => {
    const agent = createClientAgent();
    let loaded: Loaded;
    beforeAll(async () => {
      loaded = await runner.start(ROUTES);
    });
    afterAll(async () => {
      await runner.stop();
      await agent.close();
      rmSync(workDir, { recursive: true, force: true });
    });

    it.each(Object.keys(fact.seen) as Probe[])('%s', async (probe) => {
      const seen = await send(loaded.urls.get(probe.toLowerCase())!, { method: 'GET', path: '/' }, { agent, signal: AbortSignal.timeout(10_000) });
      expect(shown(parseProbeOutcome(seen.bodyText))).toEqual(fact.seen[probe]);
    });
  });
}

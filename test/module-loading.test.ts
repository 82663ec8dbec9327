/**
 * Routes load as their platform loads them, on every runtime column: an ES module with top-level
 * await, a static import of node:buffer, a route file importing a helper and an npm package (each
 * resolved with the platform's export condition); bundling changes nothing a route observes; and a
 * route that hangs, throws or ends its process while loading is that case's result alone.
 */
import { describe, expect, it } from 'vitest';
import { RUNNERS, TARGETS } from '../runners/registry.ts';
import type { Runner, RunnerFactory, VerifiedHosting, WarmHost } from '../runners/types.ts';
import { runSuites, statusesOf } from './support/run-suites.ts';

const RUNTIMES = ['node', 'edge-runtime', 'workerd', 'miniflare', 'deno', 'bun'];
/** The export condition each column's platform resolves packages with (runners/bundling/platform-bundling.ts). */
const RUNTIME_KEY: Record<string, string> = {
  node: 'node',
  'edge-runtime': 'edge-light',
  workerd: 'workerd',
  'workerd-2024-09-23': 'workerd',
  miniflare: 'workerd',
  deno: 'deno',
  bun: 'bun',
  // Next bundles the route itself, for its edge runtime.
  nextjs: 'edge-light',
  'nextjs-app': 'edge-light',
};
const FIXTURES = 'test/fixtures/suites';

describe('module loading', () => {
  it('runs top-level await, node:buffer and imports of a helper and a package on every runtime', async () => {
    const report = await runSuites({ suites: ['suites/modules'], targets: [...RUNTIMES, 'workerd-2024-09-23', 'nextjs', 'nextjs-app'] });
    for (const target of Object.keys(RUNTIME_KEY)) {
      const statuses = statusesOf(report, target);
      expect(statuses['modules/loading/top-level-await'], target).toBe('PASS');
      expect(statuses['modules/loading/imports-helper-and-package'], target).toBe('PASS');
      const imported = report.results.find((r) => r.target === target && r.caseId === 'modules/loading/imports-helper-and-package')!;
      expect(JSON.parse(imported.observation.steps[0].bodyExcerpt!), target).toEqual({ greeting: 'hello, edge', runtimeKey: RUNTIME_KEY[target] });
    }
    // node:buffer: Vercel's Edge Runtime offers it (vercel.com/docs/functions/runtimes/edge); workerd
    // before nodejs_compat was on by default does not, and refuses the module itself.
    // miniflare's own workerd defaults to its date, 2026-07-30, before nodejs_compat was on by default.
    const without = ['workerd-2024-09-23', 'miniflare'];
    for (const target of [...RUNTIMES, 'nextjs', 'nextjs-app'].filter((t) => !without.includes(t))) {
      expect(statusesOf(report, target)['modules/loading/static-import-node-buffer'], target).toBe('PASS');
    }
    for (const target of without) {
      const refused = report.results.find((r) => r.target === target && r.caseId === 'modules/loading/static-import-node-buffer')!;
      expect(refused.status, target).toBe('FAIL');
      expect(refused.observation.loadError?.message, target).toMatch(/No such module "node:buffer"/);
    }
  }, 300_000);

  it('bundling a route changes nothing it observes, on any runtime', async () => {
    const report = await runSuites({ suites: [`${FIXTURES}/bundling`], targets: RUNTIMES });
    for (const target of RUNTIMES) {
      const body = (id: string) => JSON.parse(report.results.find((r) => r.target === target && r.caseId === `bundling/probes/${id}`)!.observation.steps[0].bodyExcerpt!);
      const plain = body('unbundled');
      const bundled = body('bundled');
      // The bundled route's own code and its helper see exactly what the unbundled route sees.
      expect(bundled.own, target).toEqual(plain.own);
      expect(bundled.helper, target).toEqual(plain.own);
    }
    // And what they see is each runtime's: edge runtimes have no require at all.
    const seen = (target: string) => JSON.parse(report.results.find((r) => r.target === target && r.caseId === 'bundling/probes/unbundled')!.observation.steps[0].bodyExcerpt!).own;
    expect(seen('edge-runtime').require).toBe('undefined');
    expect(seen('workerd').callRequire).toBe('ReferenceError');
  }, 120_000);

  it('a route that loops for ever at top level is its own TIMEOUT; the column goes on and waits for it only a few times', async () => {
    const loads = new Map<string, number>();
    const runners = countingLoads('load-faults/loops/loops-at-top-level', loads);
    const report = await runSuites({ suites: [`${FIXTURES}/load-faults/loops.yaml`], targets: RUNTIMES, runners });
    for (const target of RUNTIMES) {
      expect(statusesOf(report, target), target).toEqual({
        'load-faults/loops/first-fine': 'PASS',
        'load-faults/loops/loops-at-top-level': 'TIMEOUT',
        'load-faults/loops/throws-at-load': 'PASS',
        'load-faults/loops/second-fine': 'PASS',
      });
      // The column waits for the route that never loads at most three times: in its batch or on a
      // warm host, alone on a fresh host (after the batch's start named no route, or the warm host
      // was retired), and alone again at the column's end, so that load is never a verdict. A column
      // that waited for it again on every batch split waited ten times and more.
      const waits = loads.get(TARGETS.find((t) => t.name === target)!.runner) ?? 0;
      expect(waits, target).toBeGreaterThanOrEqual(2);
      expect(waits, target).toBeLessThanOrEqual(3);
    }
  }, 120_000);

  it('a route that never settles or ends its process while loading fails alone', async () => {
    const report = await runSuites({ suites: [`${FIXTURES}/load-faults/never-loads.yaml`], targets: RUNTIMES });
    for (const target of RUNTIMES) {
      const statuses = statusesOf(report, target);
      expect(statuses['load-faults/never-loads/fine'], target).toBe('PASS');
      expect(statuses['load-faults/never-loads/awaits-for-ever'], target).not.toBe('PASS');
      expect(['TIMEOUT', 'CRASH', 'FAIL'], target).toContain(statuses['load-faults/never-loads/awaits-for-ever']);
    }
    // A runtime with a process of its own per route ends it: that case is CRASH. Edge runtimes have no process.exit.
    for (const target of ['node', 'deno', 'bun']) expect(statusesOf(report, target)['load-faults/never-loads/exits-while-loading'], target).toBe('CRASH');
    for (const target of ['edge-runtime', 'workerd', 'miniflare']) expect(statusesOf(report, target)['load-faults/never-loads/exits-while-loading'], target).toBe('PASS');
  }, 120_000);
});

/**
 * The built-in runners, each counting in `loads` (by runner name) the times it was asked to load the
 * route of `caseId`: in a start's routes or a warm host's load.
 */
function countingLoads(caseId: string, loads: Map<string, number>): Record<string, RunnerFactory> {
  const count = (name: string) => loads.set(name, (loads.get(name) ?? 0) + 1);
  const wrap = <T extends object>(target: T, methods: Record<string, (original: (...args: never[]) => unknown) => (...args: never[]) => unknown>): T =>
    new Proxy(target, {
      get(object, property) {
        const value = Reflect.get(object, property, object) as unknown;
        const method = typeof property === 'string' && Object.hasOwn(methods, property) ? methods[property] : undefined;
        return method !== undefined && typeof value === 'function' ? method((value as (...args: never[]) => unknown).bind(object)) : value;
      },
    });
  return Object.fromEntries(
    Object.entries(RUNNERS).map(([name, factory]) => [
      name,
      (settings, ctx) => {
        const runner = factory(settings, ctx);
        const verified = runner.verified;
        const counted = wrap<Runner>(runner, {
          start: (start) => (modules: { caseId: string }[]) => {
            if (modules.some((m) => m.caseId === caseId)) count(name);
            return start(modules as never);
          },
        });
        if (!verified) return counted;
        const hosting = wrap<VerifiedHosting>(verified, {
          open: (open) => async (modules: { caseId: string; key: string }[]) => {
            const key = modules.find((m) => m.caseId === caseId)?.key;
            const host = (await open(modules as never)) as WarmHost;
            return wrap<WarmHost>(host, {
              load: (load) => (loading: string) => {
                if (loading === key) count(name);
                return load(loading as never);
              },
            });
          },
        });
        return new Proxy(counted, { get: (object, property) => (property === 'verified' ? hosting : Reflect.get(object, property)) });
      },
    ]),
  );
}

/**
 * The routes Next.js may refuse are built apart, and every verdict stays Next's: with the app router,
 * routes that Next refuses at compile (eval) and while it collects page data (a Node built-in, a
 * throw at load) are built first in an app of their own, found by the engine's
 * scan (Runner.scanFor); the app that is served holds the others. Next reports one page-data failure
 * a pass, so one app of every route takes a pass per such route; built apart, the served app takes
 * one. The same routes in one app of their own (the scan's hint withheld) give the same routes
 * built, the same routes refused, and the same first line of each refusal.
 */
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { routeHazards } from '../core/check/host-hazards.ts';
import { loadCases } from '../core/cases/load-cases.ts';
import { prepareRoute } from '../core/run/route-modules.ts';
import { nextjsRunner, type BuildUse, type NextjsRunner } from '../runners/nextjs/runner.ts';
import type { RouteModule } from '../runners/types.ts';

const log = (message: string) => console.log(`[nextjs-build-apart.test] ${message}`);
const ctx = { workDir: tmpdir(), env: process.env, log };
const missing = await nextjsRunner({}, ctx).unavailable();

/** Prepares every route of the suite, as a run does, and serves one of them: the build it served. */
async function buildOf(hinted: boolean): Promise<BuildUse> {
  const runner = nextjsRunner({ router: 'app' }, ctx) as NextjsRunner;
  const cases = await loadCases(['test/fixtures/suites/next-doubts']);
  const modules: RouteModule[] = await Promise.all(
    cases.map(async (c) => {
      const { module } = await prepareRoute(c, runner.bundling);
      return hinted ? { ...module, hazards: await routeHazards(module.source, runner.scanFor!) } : module;
    }),
  );
  try {
    await runner.prepare!(modules);
    await runner.start(modules.filter((m) => m.caseId.endsWith('/plain')));
    return runner.lastBuild()!;
  } finally {
    await runner.stop();
  }
}

const firstLines = (use: BuildUse) => Object.fromEntries(Object.entries(use.record.failures).map(([key, failure]) => [key, failure.message.split('\n')[0]]));

describe.skipIf(missing !== undefined)('nextjs runner, app router: the routes the scan doubts, built apart', () => {
  it('gives the verdicts of one app of every route, with one pass of the app it serves', async () => {
    const apart = await buildOf(true);
    const whole = await buildOf(false);
    log(`apart: ${apart.apart?.record.passes} pass(es) of the doubted routes, then ${apart.record.passes}; whole: ${whole.record.passes} pass(es)`);
    // The scan doubted exactly the three routes Next may refuse, not the two plain ones.
    expect(apart.apart?.record.built.length).toBe(0);
    expect(Object.keys(apart.apart!.record.failures)).toHaveLength(3);
    // The same verdicts, from Next either way.
    expect([...apart.record.built].sort()).toEqual([...whole.record.built].sort());
    expect(firstLines(apart)).toEqual(firstLines(whole));
    expect(Object.keys(whole.record.failures)).toHaveLength(3);
    // One pass of the served app; one app of every route needed a pass per round of refusals.
    expect(apart.record.passes).toBe(1);
    expect(whole.record.passes).toBeGreaterThanOrEqual(3);
  }, 600_000);
});

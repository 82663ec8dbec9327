/**
 * No case's result depends on which other cases share its target: hostile routes (patching
 * prototypes, deleting globals, setting process.exitCode, leaving timers running, rejecting a promise
 * after responding, a listener on the global object, a write to the Cache API) run together with the
 * shipped suites, and every shipped case's status equals a run without them, in two shuffled orders
 * (and on Next.js, on a subset, in one). The columns run with their default isolation: verified,
 * warm hosts that prove themselves clean between cases, where the runner has them.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../core/report/report-types.ts';
import type { Case } from '../core/types.ts';
import { runSuites } from './support/run-suites.ts';

const RUNTIMES = ['node', 'edge-runtime', 'workerd', 'miniflare', 'deno', 'bun'];

/** A seeded shuffle (mulberry32), so a failing order can be run again. */
function shuffled(seed: number): (cases: Case[]) => Case[] {
  return (cases) => {
    let state = seed;
    const random = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const out = [...cases];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
}

/**
 * Cases whose verdict rests on elapsed time (a first chunk within N ms, a gap of N ms): on a busy
 * machine they may flip from load alone, which says nothing about isolation (the flake counter and
 * the benchmark watch them), so the comparison leaves them out.
 */
function timed(report: Report): Set<string> {
  return new Set(report.cases.filter((c) => c.steps.some((s) => s.expect.stream?.firstChunkWithinMs !== undefined || s.expect.stream?.gapAtLeastMs !== undefined)).map((c) => c.id));
}

/** `target caseId -> status` for the shipped cases (not the hostile ones, nor the timed ones). */
function shipped(report: Report): Record<string, string> {
  const skip = timed(report);
  return Object.fromEntries(report.results.filter((r) => !r.caseId.startsWith('hostile/') && !skip.has(r.caseId)).map((r) => [`${r.target} ${r.caseId}`, r.status]));
}

const SHIPPED = ['suites/request-response', 'suites/forbidden-apis', 'suites/errors', 'suites/caching/cache-api.yaml', 'suites/web-apis/wintertc-globals.yaml', 'suites/web-apis/fetch-types.yaml', 'suites/streaming/readable-stream.yaml'];

describe('isolation', () => {
  it('hostile routes change no shipped case, whatever the order', async () => {
    // The shipped areas whose routes use what a hostile route patches (globals, Request, Response,
    // Headers, streams, the Node names): every case of the whole suites would take three full
    // matrices, longer than a CI run should.
    const clean = await runSuites({ suites: SHIPPED, targets: RUNTIMES });
    const first = await runSuites({ suites: [...SHIPPED, 'test/fixtures/suites/hostile'], targets: RUNTIMES, order: shuffled(7) });
    const second = await runSuites({ suites: [...SHIPPED, 'test/fixtures/suites/hostile'], targets: RUNTIMES, order: shuffled(1234) });
    const expected = shipped(clean);
    expect(Object.keys(expected).length).toBeGreaterThan(400);
    expect(shipped(first)).toEqual(expected);
    expect(shipped(second)).toEqual(expected);
    // The hostile cases did run, and each on every runtime.
    expect(first.results.filter((r) => r.caseId.startsWith('hostile/')).length).toBe(8 * RUNTIMES.length);
  }, 480_000);

  it('on Next.js too, whose edge sandbox shares Headers and Response between the routes of one server', async () => {
    // A subset of the shipped suites (Next's per-route servers cost about a second each): the areas
    // whose routes read requests and build responses, the classes a hostile route patches.
    const suites = ['suites/request-response', 'suites/modules'];
    const targets = ['nextjs', 'nextjs-app'];
    const clean = await runSuites({ suites, targets });
    const mixed = await runSuites({ suites: [...suites, 'test/fixtures/suites/hostile'], targets, order: shuffled(99) });
    const expected = shipped(clean);
    expect(Object.keys(expected).length).toBeGreaterThan(80);
    expect(shipped(mixed)).toEqual(expected);
  }, 600_000);
});

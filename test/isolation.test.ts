/**
 * No verdict depends on the cases that share its host. The baseline is a fresh host per case
 * (`--isolation fresh`) over every shipped suite, on every default column whose runner has warm hosts
 * (the Next.js ones on the areas whose routes read requests and build responses: a fresh Next server
 * per case makes the whole suites there longer than a CI run should take). The same cases then run
 * with verified isolation (warm hosts that prove themselves clean between cases), shuffled together
 * with hostile routes (patching prototypes, deleting globals, polluting Object.prototype, setting
 * process.exitCode, leaving timers running, rejecting a promise after responding, a listener on the
 * global object, a write to the Cache API): every shipped case's status must equal the baseline's,
 * in two orders, and on workerd and miniflare (a process for many isolates) too.
 *
 * Cases whose verdict rests on elapsed time, and cases marked flaky, are left out of the comparison:
 * load alone may flip them, which says nothing about isolation (the flake counter watches them).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../core/report/report-types.ts';
import type { Case } from '../core/types.ts';
import { targetEnvironment } from '../runners/host/target-env.ts';
import { RUNNERS, TARGETS } from '../runners/registry.ts';
import { runSuites } from './support/run-suites.ts';

const work = mkdtempSync(join(tmpdir(), 'edgecompat-isolation-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The default columns whose runner has warm hosts (Runner.verified), the Next.js ones apart. */
const WARM = TARGETS.filter((t) => t.default && RUNNERS[t.runner]({ ...t.settings }, { workDir: work, env: targetEnvironment(), log: () => {} }).verified);
const WARM_COLUMNS = WARM.filter((t) => t.runner !== 'nextjs').map((t) => t.name);
const NEXT_COLUMNS = WARM.filter((t) => t.runner === 'nextjs').map((t) => t.name);
/** Columns that host many routes in one process without warm hosts: each route its own isolate. */
const ISOLATE_COLUMNS = ['workerd', 'miniflare'];
const HOSTILE = 'test/fixtures/suites/hostile';
/** The shipped areas whose routes use what a hostile route patches (globals, Request, Response, Headers, streams, the Node names). */
const SHIPPED = ['suites/request-response', 'suites/forbidden-apis', 'suites/errors', 'suites/caching/cache-api.yaml', 'suites/web-apis/wintertc-globals.yaml', 'suites/web-apis/fetch-types.yaml', 'suites/streaming/readable-stream.yaml'];

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

/** `target caseId -> status` of the shipped cases: not the hostile ones, the timed ones or the flaky ones. */
function cells(report: Report): Record<string, string> {
  const left = new Set(report.cases.filter((c) => c.flaky || c.steps.some((s) => s.expect.stream?.firstChunkWithinMs !== undefined || s.expect.stream?.gapAtLeastMs !== undefined)).map((c) => c.id));
  return Object.fromEntries(report.results.filter((r) => !r.caseId.startsWith('hostile/') && !left.has(r.caseId)).map((r) => [`${r.target} ${r.caseId}`, r.status]));
}

/** The hostile cases that ran, per column. */
function hostileRuns(report: Report): Record<string, number> {
  const runs: Record<string, number> = {};
  for (const r of report.results) if (r.caseId.startsWith('hostile/')) runs[r.target] = (runs[r.target] ?? 0) + 1;
  return runs;
}

/** The entries of `all` whose keys `some` has. */
function restricted(all: Record<string, string>, some: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(some).map((key) => [key, all[key]]));
}

describe('isolation', () => {
  it('verified isolation with hostile routes among the cases gives every shipped case the status a fresh host per case gives', async () => {
    expect(WARM_COLUMNS).toEqual(expect.arrayContaining(['node', 'edge-runtime', 'deno', 'bun']));
    const fresh = await runSuites({ suites: ['suites'], targets: WARM_COLUMNS, isolation: 'fresh' });
    expect(fresh.targets.every((t) => t.verification?.mode === 'fresh')).toBe(true);
    const isolates = await runSuites({ suites: SHIPPED, targets: ISOLATE_COLUMNS });
    const expected = { ...cells(fresh), ...cells(isolates) };
    expect(Object.keys(cells(fresh)).length).toBeGreaterThan(2500);

    // Every shipped suite, hostile routes among them, on warm hosts.
    const mixed = await runSuites({ suites: ['suites', HOSTILE], targets: WARM_COLUMNS, order: shuffled(7) });
    for (const run of mixed.targets) expect(run.verification, run.name).toMatchObject({ mode: 'verified' });
    // (The profile columns, such as edge-runtime+vercel-pro, run the size cases only, each on a fresh host.)
    for (const name of ['node', 'edge-runtime', 'deno', 'bun']) expect(mixed.targets.find((t) => t.name === name)!.verification!.casesOnWarmHosts, name).toBeGreaterThan(400);
    expect(cells(mixed)).toEqual(cells(fresh));

    // The areas the hostile routes patch, in another order, on every one of those columns.
    const again = await runSuites({ suites: [...SHIPPED, HOSTILE], targets: [...WARM_COLUMNS, ...ISOLATE_COLUMNS], order: shuffled(1234) });
    expect(Object.keys(cells(again)).length).toBeGreaterThan(400 * 2);
    expect(cells(again)).toEqual(restricted(expected, cells(again)));
    // The hostile cases did run, each on every column.
    const hostile = mixed.cases.filter((c) => c.id.startsWith('hostile/')).length;
    expect(hostile).toBeGreaterThanOrEqual(8);
    for (const report of [mixed, again]) for (const run of report.targets) expect(hostileRuns(report)[run.name], run.name).toBe(hostile);
  }, 900_000);

  it('on Next.js too, whose edge sandbox shares Headers and Response between the routes of one server', async () => {
    expect(NEXT_COLUMNS).toEqual(['nextjs', 'nextjs-app']);
    const suites = ['suites/request-response', 'suites/modules', 'suites/errors'];
    const fresh = await runSuites({ suites, targets: NEXT_COLUMNS, isolation: 'fresh' });
    const mixed = await runSuites({ suites: [...suites, HOSTILE], targets: NEXT_COLUMNS, order: shuffled(99) });
    for (const run of mixed.targets) expect(run.verification!.casesOnWarmHosts, run.name).toBeGreaterThan(80);
    const expected = cells(fresh);
    expect(Object.keys(expected).length).toBeGreaterThan(200);
    expect(cells(mixed)).toEqual(expected);
    for (const run of mixed.targets) expect(hostileRuns(mixed)[run.name], run.name).toBeGreaterThanOrEqual(8);
  }, 900_000);
});

/**
 * Verified isolation gives the verdicts fresh isolation gives: every shipped suite, on every default
 * column whose runner has warm hosts, run once with a fresh host per case and once on warm hosts
 * that prove themselves clean between cases, compared cell by cell (the Next.js columns on the areas
 * whose routes read requests and build responses: a fresh Next server per case makes the whole
 * suites there longer than a CI run should take). Cases whose verdict rests on elapsed time, and
 * cases marked flaky, are left out: load alone may flip them (the flake counter watches them). The
 * verified run must also have used warm hosts, or there is nothing to compare.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Report } from '../core/report/report-types.ts';
import { targetEnvironment } from '../runners/host/target-env.ts';
import { RUNNERS, TARGETS } from '../runners/registry.ts';
import { runSuites } from './support/run-suites.ts';

const work = mkdtempSync(join(tmpdir(), 'edgecompat-modes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The default columns whose runner has warm hosts (Runner.verified), the Next.js ones apart. */
const WARM = TARGETS.filter((t) => t.default && RUNNERS[t.runner]({ ...t.settings }, { workDir: work, env: targetEnvironment(), log: () => {} }).verified);
const WARM_COLUMNS = WARM.filter((t) => t.runner !== 'nextjs').map((t) => t.name);
const NEXT_COLUMNS = WARM.filter((t) => t.runner === 'nextjs').map((t) => t.name);

/** `target caseId -> status`, without the timed and the flaky cases. */
function cells(report: Report): Record<string, string> {
  const left = new Set(report.cases.filter((c) => c.flaky || c.steps.some((s) => s.expect.stream?.firstChunkWithinMs !== undefined || s.expect.stream?.gapAtLeastMs !== undefined)).map((c) => c.id));
  return Object.fromEntries(report.results.filter((r) => !left.has(r.caseId)).map((r) => [`${r.target} ${r.caseId}`, r.status]));
}

it('every shipped case has the same status on every warm-hosted column with fresh and with verified isolation', async () => {
  expect(WARM_COLUMNS).toEqual(expect.arrayContaining(['node', 'edge-runtime', 'deno', 'bun']));
  const fresh = await runSuites({ suites: ['suites'], targets: WARM_COLUMNS, isolation: 'fresh' });
  const verified = await runSuites({ suites: ['suites'], targets: WARM_COLUMNS, isolation: 'verified' });
  expect(fresh.targets.every((t) => t.verification?.mode === 'fresh')).toBe(true);
  for (const name of ['node', 'edge-runtime', 'deno', 'bun']) {
    const run = verified.targets.find((t) => t.name === name)!;
    expect(run.verification, name).toMatchObject({ mode: 'verified' });
    expect(run.verification!.casesOnWarmHosts, name).toBeGreaterThan(400);
  }
  const expected = cells(fresh);
  expect(Object.keys(expected).length).toBeGreaterThan(2500);
  expect(cells(verified)).toEqual(expected);
}, 900_000);

it('every case of the request and response areas has the same status on the Next.js columns with fresh and with verified isolation', async () => {
  expect(NEXT_COLUMNS).toEqual(['nextjs', 'nextjs-app']);
  const suites = ['suites/request-response', 'suites/modules', 'suites/errors'];
  const fresh = await runSuites({ suites, targets: NEXT_COLUMNS, isolation: 'fresh' });
  const verified = await runSuites({ suites, targets: NEXT_COLUMNS, isolation: 'verified' });
  for (const run of verified.targets) expect(run.verification!.casesOnWarmHosts, run.name).toBeGreaterThan(80);
  const expected = cells(fresh);
  expect(Object.keys(expected).length).toBeGreaterThan(200);
  expect(cells(verified)).toEqual(expected);
}, 900_000);

/**
 * The WPT vectors as subtests tell the runtime's own result: for node, deno and bun, the subtest
 * counts (and the failing vectors' names) of edgecompat's wpt cases equal a direct run of the same
 * vectors in that runtime, with no route, no bundling and no HTTP (test/support/wpt-direct.mjs).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findBinary } from '../runners/host/binaries.ts';
import type { Report } from '../core/report/report-types.ts';
import { runSuites } from './support/run-suites.ts';

const DIRECT = 'test/support/wpt-direct.mjs';
const COMMANDS: Record<string, () => string[]> = {
  node: () => [process.execPath, '--no-warnings', DIRECT],
  deno: () => [binary('deno'), 'run', '--no-prompt', DIRECT],
  bun: () => [binary('bun'), DIRECT],
};

function binary(name: string): string {
  const found = findBinary(name);
  if ('missing' in found) throw new Error(found.missing);
  return found.path;
}

type Direct = Record<string, { total: number; passed: number; failing: string[] }>;

function direct(runtime: string): Direct {
  const [command, ...args] = COMMANDS[runtime]();
  const env = { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' };
  return JSON.parse(execFileSync(command, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 })) as Direct;
}

describe('WPT vectors as subtests', () => {
  let report: Report;

  it('run as edgecompat cases on node, deno and bun', async () => {
    report = await runSuites({ suites: ['suites/web-apis/wpt-url.yaml', 'suites/web-apis/wpt-urlpattern.yaml'], targets: Object.keys(COMMANDS) });
    expect(report.results).toHaveLength(6 * 3);
    for (const r of report.results) expect(r.subtests, `${r.target} ${r.caseId}: ${r.message}`).toBeDefined();
  }, 120_000);

  for (const runtime of Object.keys(COMMANDS)) {
    it(`give ${runtime} the counts and failing vectors of a direct run in ${runtime}`, () => {
      const expected = direct(runtime);
      expect(Object.keys(expected)).toHaveLength(6);
      for (const [caseId, run] of Object.entries(expected)) {
        const cell = report.results.find((r) => r.target === runtime && r.caseId === caseId)!;
        expect({ caseId, total: cell.subtests!.total, passed: cell.subtests!.passed }).toEqual({ caseId, total: run.total, passed: run.passed });
        expect(cell.subtests!.failures.map((f) => f.name).sort()).toEqual([...run.failing].sort());
        expect(cell.status).toBe(run.failing.length === 0 ? 'PASS' : 'FAIL');
      }
    }, 60_000);
  }

  it('hold all 891 URL parsing vectors', () => {
    const parsing = report.results.filter((r) => r.caseId === 'web-apis/wpt-url/url-parsing');
    for (const r of parsing) expect(r.subtests!.total).toBe(891);
  });
});

/**
 * Expectations files: which status a cell is expected to have, how a file is written from a run,
 * and the CI gate they make: a run matching its expectations exits 0, a regression or an unexpected
 * pass exits 1, a malformed file exits 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { expectationsFromReport, expectedStatus, readExpectations, unusedExpectations, type ExpectationsFile } from '../core/cases/expectations.ts';
import { InputError } from '../schemas/input-error.ts';
import type { Report } from '../core/report/report-types.ts';
import { buildSampleReport } from '../reports/sample-report.ts';

const BIN = new URL('../cli/bin.mjs', import.meta.url).pathname;
const SUITE = new URL('./fixtures/suites/basics', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'edgecompat-expectations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('expectedStatus', () => {
  const file: ExpectationsFile = {
    targets: {
      node: { 'forbidden-apis/**': 'FAIL', 'forbidden-apis/eval/**': 'CRASH', 'forbidden-apis/eval/direct': 'TIMEOUT' },
    },
  };
  const expected = expectedStatus(file);

  it('prefers an exact id, then the longest matching glob, else PASS', () => {
    expect(expected('forbidden-apis/eval/direct', 'node')).toBe('TIMEOUT');
    expect(expected('forbidden-apis/eval/indirect', 'node')).toBe('CRASH');
    expect(expected('forbidden-apis/require/typeof', 'node')).toBe('FAIL');
    expect(expected('streaming/x/y', 'node')).toBe('PASS');
    expect(expected('forbidden-apis/eval/direct', 'deno')).toBe('PASS');
    expect(expectedStatus(undefined)('a/b/c', 'node')).toBe('PASS');
  });

  it('names entries that match no case', () => {
    expect(unusedExpectations(file, ['forbidden-apis/eval/direct'])).toEqual([]);
    expect(unusedExpectations(file, ['streaming/x/y'])).toEqual(['node: forbidden-apis/**', 'node: forbidden-apis/eval/**', 'node: forbidden-apis/eval/direct']);
  });
});

describe('expectation files', () => {
  it('records every result that is not PASS or SKIP, and reads back to the same statuses', () => {
    const report = buildSampleReport({ cases: 40, targets: 4 });
    const path = join(dir, 'round-trip.yaml');
    writeFileSync(path, expectationsFromReport(report));
    const expected = expectedStatus(readExpectations(path));
    for (const result of report.results) {
      expect(expected(result.caseId, result.target)).toBe(result.status === 'SKIP' ? 'PASS' : result.status);
    }
  });

  it('refuses a malformed file with the file, line and path', () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, 'targets:\n  node:\n    a/b/c: BROKEN\n');
    try {
      readExpectations(path);
      throw new Error('expected an InputError');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).problems).toEqual([{ file: path, line: 3, path: '/targets/node/a~1b~1c', message: expect.stringContaining('must be equal to one of the allowed values') }]);
    }
  });
});

describe('run --expectations', () => {
  const run = (out: string, expectations?: string) =>
    spawnSync(process.execPath, [BIN, 'run', '--suite', SUITE, '--targets', 'node', '--out', out, '--reporter', 'json', ...(expectations ? ['--expectations', expectations] : [])], { encoding: 'utf8' });

  it('passes a run that matches, fails a regression and an unexpected pass, and refuses a bad file', () => {
    const first = join(dir, 'first');
    expect(run(first).status).toBe(1);
    const known = join(dir, 'known.yaml');
    expect(spawnSync(process.execPath, [BIN, 'expectations', first, '--out', known]).status).toBe(0);
    const file = parse(readFileSync(known, 'utf8')) as ExpectationsFile;
    expect(file.targets!.node['basics/basics/eval']).toBe('FAIL');
    expect(run(join(dir, 'second'), known).status).toBe(0);

    // A known failure that is not listed is a regression.
    const regression = join(dir, 'regression.yaml');
    const { 'basics/basics/eval': _dropped, ...rest } = file.targets!.node;
    writeFileSync(regression, JSON.stringify({ targets: { node: rest } }));
    expect(run(join(dir, 'third'), regression).status).toBe(1);
    const third: Report = JSON.parse(readFileSync(join(dir, 'third', 'report.json'), 'utf8'));
    expect(third.results.find((r) => r.caseId === 'basics/basics/eval')).toMatchObject({ status: 'FAIL', expected: 'PASS', gate: 'regression' });
    expect(third.results.filter((r) => r.gate)).toHaveLength(1);

    // A case listed as failing that passes is unexpected too: the file must be brought up to date.
    const stale = join(dir, 'stale.yaml');
    writeFileSync(stale, JSON.stringify({ targets: { node: { ...file.targets!.node, 'basics/basics/streamed': 'FAIL' } } }));
    const ran = run(join(dir, 'fourth'), stale);
    expect(ran.status).toBe(1);
    const report: Report = JSON.parse(readFileSync(join(dir, 'fourth', 'report.json'), 'utf8'));
    expect(report.results.find((r) => r.caseId === 'basics/basics/streamed')).toMatchObject({ status: 'PASS', expected: 'FAIL', gate: 'unexpected-pass' });

    const bad = join(dir, 'bad-run.yaml');
    writeFileSync(bad, 'targets: [1]\n');
    const refused = run(join(dir, 'fifth'), bad);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('bad-run.yaml:1 /targets: must be object');
  });
});

describe('what the gate calls each result', () => {
  it('names regressions, unexpected passes and changed failures, and holds no skip against a run', async () => {
    const { gateOutcome, describeOutcome } = await import('../core/judge/gate.ts');
    expect(gateOutcome({ status: 'FAIL', expected: 'PASS' })).toBe('regression');
    expect(gateOutcome({ status: 'PASS', expected: 'FAIL' })).toBe('unexpected-pass');
    expect(gateOutcome({ status: 'CRASH', expected: 'FAIL' })).toBe('changed-failure');
    expect(gateOutcome({ status: 'FAIL', expected: 'FAIL' })).toBe('as-expected');
    expect(gateOutcome({ status: 'SKIP', expected: 'PASS' })).toBe('as-expected');
    expect(describeOutcome({ status: 'PASS', expected: 'FAIL' })).toMatch(/^unexpected pass: the expectations file says FAIL/);
  });
});

describe('run on GitHub Actions', () => {
  it('annotates each result that fails the gate at its case line, and appends the summary to the step summary', () => {
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    const stale = join(dir, 'gh-stale.yaml');
    // eval is a regression (not listed), streamed an unexpected pass (listed as failing).
    writeFileSync(stale, JSON.stringify({ targets: { node: { 'basics/basics/streamed': 'FAIL' } } }));
    const ran = spawnSync(process.execPath, [BIN, 'run', '--suite', SUITE, '--targets', 'node', '--out', join(dir, 'gh'), '--reporter', 'json', '--expectations', stale], {
      encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname, env: { ...process.env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
    });
    expect(ran.status).toBe(1);
    const annotations = ran.stdout.split('\n').filter((l) => l.startsWith('::error '));
    const line = readFileSync(join(SUITE, 'basics.yaml'), 'utf8').split('\n').findIndex((l) => l.includes('id: basics/basics/eval')) + 1;
    expect(annotations).toContainEqual(expect.stringMatching(new RegExp(`^::error file=test/fixtures/suites/basics/basics\\.yaml,line=${line},title=edgecompat node%3A regression basics/basics/eval::regression: expected PASS, got FAIL`)));
    expect(annotations).toContainEqual(expect.stringMatching(/title=edgecompat node%3A unexpected-pass basics\/basics\/streamed::unexpected pass: the expectations file says FAIL/));
    const written = readFileSync(summary, 'utf8');
    expect(written.startsWith('# earlier step\n')).toBe(true);
    expect(written).toMatch(/### Not as expected: \d+ \(\d+ regressions, 1 unexpected passes/);
  });

  it('writes no workflow commands elsewhere', () => {
    const env = { ...process.env };
    delete env.GITHUB_ACTIONS;
    const ran = spawnSync(process.execPath, [BIN, 'run', '--suite', SUITE, '--targets', 'node', '--out', join(dir, 'no-gh'), '--reporter', 'json'], { encoding: 'utf8', env });
    expect(ran.stdout).not.toContain('::error');
  });
});

/**
 * The commands that work on saved reports (report, merge, diff), end to end: as functions, and as
 * `node cli/bin.mjs <command>` in a child process, on synthetic reports in a temp folder (no
 * runtimes needed). Exit codes: 0 done, 1 new failures (diff), 2 bad input with the file named.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffCommand } from '../cli/diff-command.ts';
import { buildProgram } from '../cli/main.ts';
import { mergeCommand } from '../cli/merge-command.ts';
import { reportCommand } from '../cli/report-command.ts';
import { InputError } from '../schemas/input-error.ts';
import { readReport } from '../core/report/read-report.ts';
import type { Report } from '../core/report/report-types.ts';
import { buildSampleReport } from '../reports/sample-report.ts';

const BIN = new URL('../cli/bin.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'edgecompat-report-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const whole = buildSampleReport({ cases: 24, targets: 3 });
/** Two shards of `whole` by halves of its cases (what merge needs is disjoint slices). */
const half = (i: 0 | 1): Report => {
  const cases = whole.cases.filter((_, k) => k % 2 === i);
  const ids = new Set(cases.map((c) => c.id));
  return { ...whole, shard: `${i + 1}/2`, cases, results: whole.results.filter((r) => ids.has(r.caseId)) };
};
const changed = structuredClone(whole);
const flipped = changed.results.find((r) => r.status === 'PASS')!;
flipped.status = 'FAIL';

/** Writes a report (or any text) to dir/name and returns the path. */
function save(name: string, value: Report | string): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
}
const wholePath = save('whole/report.json', whole);
const shardPaths = [save('s1/report.json', half(0)), save('s2/report.json', half(1))];
const changedPath = save('changed/report.json', changed);
const badPath = save('bad/report.json', JSON.stringify({ ...whole, results: [{ ...whole.results[0], status: 'MAYBE' }] }));
const notJsonPath = save('bad/not.json', '{ "schemaVersion": 1,');

/** Collects what a command prints. */
const collector = () => ({ text: '', write(s: string) { this.text += s; return true; } });

describe('the report commands as functions', () => {
  it('report re-renders index.html, junit.xml and summary.md next to the input', () => {
    expect(reportCommand([wholePath], { reporter: ['html', 'junit', 'markdown'] })).toBe(0);
    for (const f of ['index.html', 'junit.xml', 'summary.md']) expect(existsSync(join(dir, 'whole', f))).toBe(true);
  });

  it('report merges several inputs into --out, with a baseline section', () => {
    const out = join(dir, 'fn-merged');
    expect(reportCommand(shardPaths, { out, reporter: ['json', 'html'], baseline: changedPath })).toBe(0);
    expect(readReport(out).results).toHaveLength(whole.results.length);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('<section class="diff"');
  });

  it('report refuses several inputs without --out, and unknown reporters', () => {
    expect(() => reportCommand(shardPaths, {})).toThrow(/--out/);
    expect(() => reportCommand([wholePath], { reporter: ['pdf'] })).toThrow(InputError);
  });

  it('merge of two shards equals the whole', () => {
    const out = join(dir, 'fn-merge', 'report.json');
    expect(mergeCommand(shardPaths, { out })).toBe(0);
    const merged = readReport(out);
    expect(merged.shard).toBeUndefined();
    expect(new Set(merged.results.map((r) => JSON.stringify(r)))).toEqual(new Set(whole.results.map((r) => JSON.stringify(r))));
  });

  it('diff exits 0 against itself and 1 against a regression, naming the case', () => {
    const same = collector();
    expect(diffCommand(wholePath, wholePath, {}, same)).toBe(0);
    expect(same.text).toContain('No changes');
    const worse = collector();
    expect(diffCommand(wholePath, changedPath, {}, worse)).toBe(1);
    expect(worse.text).toContain(flipped.caseId);
    const json = collector();
    diffCommand(wholePath, changedPath, { json: true }, json);
    expect(JSON.parse(json.text).newFailures[0].caseId).toBe(flipped.caseId);
  });

  it('reading a malformed report names the file and the path inside it', () => {
    expect(() => readReport(badPath)).toThrow(InputError);
    expect(() => readReport(badPath)).toThrow(/bad\/report\.json \/results\/0\/status/);
    expect(() => readReport(notJsonPath)).toThrow(/not\.json: not valid JSON/);
    expect(() => readReport(join(dir, 'missing.json'))).toThrow(/missing\.json: no such file/);
  });
});

/** The lead wires the register functions into main.ts; until then the child-process tests wait. */
const wired = ['report', 'merge', 'diff'].every((name) => buildProgram().commands.some((c) => c.name() === name));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!wired)('edgecompat report, merge and diff in a child process', () => {
  it('report re-renders index.html, junit.xml and summary.md', () => {
    const out = join(dir, 'cli-report');
    const r = cli('report', wholePath, '--out', out, '--reporter', 'html,junit,markdown');
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    for (const f of ['index.html', 'junit.xml', 'summary.md']) expect(existsSync(join(out, f))).toBe(true);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain(whole.cases[0].title);
  });

  it('merge of two shards equals the whole', () => {
    const out = join(dir, 'cli-merge.json');
    const r = cli('merge', ...shardPaths, '--out', out);
    expect(r.code).toBe(0);
    const merged = readReport(out);
    const cells = (rep: Report) => new Map(rep.results.map((x) => [`${x.caseId} @ ${x.target}`, x]));
    expect(cells(merged)).toEqual(cells(whole));
    expect(new Set(merged.cases.map((c) => c.id))).toEqual(new Set(whole.cases.map((c) => c.id)));
  });

  it('diff of a report against itself says nothing changed and exits 0', () => {
    const r = cli('diff', wholePath, wholePath);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No changes');
  });

  it('diff against a changed report names the case and exits 1', () => {
    const r = cli('diff', wholePath, changedPath);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(flipped.caseId);
    expect(r.stdout).toContain('New failures (1)');
  });

  it('a malformed report exits 2 with the file named, for each command', () => {
    for (const args of [['report', badPath, '--out', join(dir, 'x')], ['merge', wholePath, badPath, '--out', join(dir, 'x.json')], ['diff', wholePath, badPath]]) {
      const r = cli(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(badPath);
      expect(r.stderr).toContain('/results/0/status');
    }
  });

  it('a report of an older schema version exits 2 and says to run again', () => {
    const old = save('old/report.json', JSON.stringify({ ...whole, schemaVersion: 1 }));
    const r = cli('diff', old, wholePath);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(old);
    expect(r.stderr).toContain('a report of schema version 1; this edgecompat reads version 2');
  });

  it('merge of different case sets exits 2 naming both files', () => {
    const other = save('other/report.json', { ...half(1), caseSetHash: 'fedcba9876543210' });
    const r = cli('merge', shardPaths[0], other, '--out', join(dir, 'y.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(shardPaths[0]);
    expect(r.stderr).toContain(other);
    expect(r.stderr).toContain('fedcba9876543210');
    expect(existsSync(join(dir, 'y.json'))).toBe(false);
  });
});

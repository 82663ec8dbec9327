/**
 * Flakiness across runs: countFlakes (core/report/flakes.ts) on synthetic reports built here, the `flaky`
 * mark from a case file to report.json, and `npm run flakes` end to end on the basics fixture suite
 * against the node target (the real CLI, two runs).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { countFlakes, flakeTotal, formatStatusCounts, markedTotal, shortMessage } from '../core/report/flakes.ts';
import { InputError } from '../schemas/input-error.ts';
import { loadCases } from '../core/cases/load-cases.ts';
import { REPORT_SCHEMA_VERSION, type CaseEntry, type Report } from '../core/report/report-types.ts';
import { validateReport } from '../schemas/validators.ts';
import type { Status } from '../core/types.ts';
import { pidsLeftWith } from './support/processes.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const BASICS = new URL('./fixtures/suites/basics', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgecompat-flakes-'));
  dirs.push(dir);
  return dir;
}

const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
addFormats.default(ajv);
const validateFlakes = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas/flakes.schema.json'), 'utf8')));

function caseEntry(id: string, flaky?: string): CaseEntry {
  return {
    id, title: id, area: id.split('/')[0], feature: id.split('/')[1], tags: [], source: 'https://example.org/spec', file: `suites/${id}.yaml`, line: 3,
    route: "export default () => new Response('ok')", steps: [{ request: { method: 'GET', path: '/' }, expect: { status: 200 }, startAfter: 'previous-done' }],
    ...(flaky ? { flaky: { reason: flaky } } : {}),
  };
}

/** A report whose results are `cells`: `target caseId` -> [status, message]. */
function report(cases: CaseEntry[], cells: Record<string, [Status, string]>, interrupted = false): Report {
  const targets = [...new Set(Object.keys(cells).map((k) => k.split(' ')[0]))];
  const built: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION, edgecompatVersion: '0.1.0', caseSetHash: '0123456789abcdef', startedAt: '2026-11-17T10:00:00.000Z', endedAt: '2026-11-17T10:01:00.000Z',
    ...(interrupted ? { interrupted: true } : {}),
    targets: targets.map((name) => ({ name, runtime: name, version: '1.0.0', settings: {}, flags: [], os: 'linux', arch: 'x64', nodeVersion: '20.19.0', edgecompatVersion: '0.1.0', startedAt: '2026-11-17T10:00:00.000Z', endedAt: '2026-11-17T10:01:00.000Z' })),
    cases,
    results: Object.entries(cells).map(([key, [status, message]]) => ({ caseId: key.split(' ')[1], target: key.split(' ')[0], status, expected: 'PASS' as Status, message, durationMs: 5, observation: { steps: [] } })),
  };
  // The synthetic reports are reports edgecompat could have written, `flaky` included.
  expect(validateReport(built), JSON.stringify(validateReport.errors)).toBe(true);
  return built;
}

describe('countFlakes', () => {
  const cases = [caseEntry('s/f/steady'), caseEntry('s/f/wobbly'), caseEntry('s/f/late'), caseEntry('s/f/known', 'the runtime flushes its first chunk late under load')];
  const run = (wobbly: Status, known: Status, withLate = true, message = 'no first chunk within 1000 ms') =>
    report(cases, {
      'node s/f/steady': ['PASS', ''],
      'deno s/f/steady': ['FAIL', 'status 500, expected 200'],
      'node s/f/wobbly': [wobbly, wobbly === 'PASS' ? '' : message],
      ...(withLate ? { 'node s/f/late': ['PASS', ''] as [Status, string] } : {}),
      'node s/f/known': [known, known === 'PASS' ? '' : 'first chunk at 1400 ms'],
    }, !withLate);
  const runs = [run('PASS', 'PASS'), run('TIMEOUT', 'PASS'), run('PASS', 'FAIL', false), run('TIMEOUT', 'PASS', true, 'no first   chunk\nwithin 1000 ms'), run('PASS', 'PASS')];
  const count = countFlakes(runs);

  it('reports a cell that flips, with its statuses counted, the majority and the minority runs\' distinct messages', () => {
    expect(count.runs).toBe(5);
    expect(count.cells).toBe(5);
    expect(count.flaky).toHaveLength(1);
    const [cell] = count.flaky;
    expect(cell).toMatchObject({ target: 'node', caseId: 's/f/wobbly', file: 'suites/s/f/wobbly.yaml', line: 3, statuses: { PASS: 3, TIMEOUT: 2 }, majority: 'PASS', flips: 2 });
    expect(cell.perRun).toEqual(['PASS', 'TIMEOUT', 'PASS', 'TIMEOUT', 'PASS']);
    // Whitespace is collapsed, so the two TIMEOUT messages are one, seen in runs 2 and 4.
    expect(cell.messages).toEqual([{ status: 'TIMEOUT', message: 'no first chunk within 1000 ms', runs: [2, 4] }]);
    expect(formatStatusCounts(cell.statuses)).toBe('PASS x3, TIMEOUT x2');
    expect(flakeTotal(count)).toBe('1 flaky cell of 5 over 5 runs');
  });

  it('does not report a cell that gave the same status in every run, passing or failing', () => {
    expect(count.flaky.some((c) => c.caseId === 's/f/steady')).toBe(false);
    expect(count.marked.flatMap((m) => m.flipped).some((c) => c.caseId === 's/f/steady')).toBe(false);
  });

  it('counts a cell missing from an interrupted run as missing, not as a flip', () => {
    expect(count.missing).toEqual([{ target: 'node', caseId: 's/f/late', runs: [3] }]);
    expect(count.flaky.some((c) => c.caseId === 's/f/late')).toBe(false);
  });

  it('lists the cells of a case marked flaky apart, with its reason, not as unexplained', () => {
    expect(count.flaky.some((c) => c.caseId === 's/f/known')).toBe(false);
    expect(count.marked).toHaveLength(1);
    expect(count.marked[0]).toMatchObject({ caseId: 's/f/known', reason: 'the runtime flushes its first chunk late under load', cells: 1 });
    expect(count.marked[0].flipped.map((c) => [c.caseId, c.statuses, c.messages])).toEqual([['s/f/known', { PASS: 4, FAIL: 1 }, [{ status: 'FAIL', message: 'first chunk at 1400 ms', runs: [3] }]]]);
    expect(markedTotal(count)).toBe('marked flaky: 1 case, flipped: 1 cell');
  });

  it('gives a tie to the earlier status (PASS before FAIL) and shows the other status\'s messages', () => {
    const tie = countFlakes([run('FAIL', 'PASS', true, 'body was "x"'), run('PASS', 'PASS')]);
    expect(tie.flaky[0]).toMatchObject({ majority: 'PASS', flips: 1, messages: [{ status: 'FAIL', message: 'body was "x"', runs: [1] }] });
  });

  it('sorts by most flips first', () => {
    const many = (a: Status, b: Status) => report([caseEntry('s/f/a'), caseEntry('s/f/b')], { 'node s/f/a': [a, a], 'node s/f/b': [b, b] });
    const sorted = countFlakes([many('PASS', 'PASS'), many('FAIL', 'PASS'), many('PASS', 'CRASH'), many('FAIL', 'PASS'), many('PASS', 'PASS')]);
    expect(sorted.flaky.map((c) => [c.caseId, c.flips])).toEqual([['s/f/a', 2], ['s/f/b', 1]]);
  });

  it('finds nothing in one run, or in runs that agree', () => {
    expect(countFlakes([runs[0]])).toMatchObject({ runs: 1, cells: 5, flaky: [], missing: [] });
    expect(countFlakes([runs[0], runs[4]]).flaky).toEqual([]);
    expect(countFlakes([])).toMatchObject({ runs: 0, cells: 0, flaky: [], marked: [], missing: [] });
  });

  it('shortens a long message to one line', () => {
    const short = shortMessage(`${'x'.repeat(300)}\n\ty`);
    expect(short).toHaveLength(240);
    expect(short.endsWith('\u2026')).toBe(true);
    expect(shortMessage(' a\n b ')).toBe('a b');
  });
});

const MARKED_SUITE = (reason: string) => `area: demo
feature: marks
source: https://example.org/spec
cases:
  - id: demo/marks/marked
    title: is marked flaky
    flaky: { reason: "${reason}" }
    route: |
      export default () => new Response('ok')
    expect: { status: 200, body: { equals: ok } }
  - id: demo/marks/plain
    title: is not marked
    route: |
      export default () => new Response('ok')
    expect: { status: 200 }
`;

describe('a case marked flaky in its file', () => {
  it('is loaded with its reason; a case without the mark has none', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'marks.yaml'), MARKED_SUITE('the runtime is slow to flush under load'));
    const cases = await loadCases([dir], dir);
    expect(cases.map((c) => [c.id, c.flaky])).toEqual([['demo/marks/marked', { reason: 'the runtime is slow to flush under load' }], ['demo/marks/plain', undefined]]);
  });

  it('needs a reason of at least 10 characters', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'marks.yaml'), MARKED_SUITE('flaky'));
    const error = await loadCases([dir], dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).problems.map((p) => p.path)).toEqual(['/cases/0/flaky/reason']);
  });
});

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `npm run flakes -- ...`, in its own process group (signalled as a terminal's Ctrl-C signals one).
 * With `direct`, the script as the package.json line runs it (tsx) without npm, whose own exit on
 * Ctrl-C is a signal, not the script's exit code.
 */
function flakes(args: string[], env: NodeJS.ProcessEnv, onStart?: (pid: number) => void, direct = false): Promise<Ran> {
  return new Promise((resolve) => {
    const [command, ...prefix] = direct ? [join(ROOT, 'node_modules/.bin/tsx'), 'scripts/flakes.ts'] : ['npm', 'run', '--silent', 'flakes', '--'];
    const child = spawn(command, [...prefix, ...args], { cwd: ROOT, detached: true, env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    onStart?.(child.pid!);
  });
}

describe('npm run flakes', () => {
  it('runs the matrix twice and exits 0 or 1 as flakes.json says, which validates and keeps every run\'s report', async () => {
    const [out, temp] = [tempDir(), tempDir()];
    const ran = await flakes(['--runs', '2', '--targets', 'node', '--suite', BASICS, '--out', out], { TMPDIR: temp });
    const json = JSON.parse(readFileSync(join(out, 'flakes.json'), 'utf8'));
    expect(validateFlakes(json), JSON.stringify(validateFlakes.errors)).toBe(true);
    expect(ran.code, ran.stderr).toBe(json.cells.flaky > 0 ? 1 : 0);
    expect(json.flaky).toHaveLength(json.cells.flaky);
    expect(json.runs.map((r: { index: number; out: string; exitCode: number }) => [r.index, r.out, r.exitCode])).toEqual([[1, 'run-1', 0], [2, 'run-2', 0]]);
    const reports = [1, 2].map((i) => JSON.parse(readFileSync(join(out, `run-${i}`, 'report.json'), 'utf8')) as Report);
    // Every cell of both runs is counted: the basics suite on the one column.
    expect(json.cells.total).toBe(new Set(reports.flatMap((r) => r.results.map((x) => x.caseId))).size);
    expect(json.cells.total).toBeGreaterThan(0);
    expect(json.runs.map((r: { results: number }) => r.results)).toEqual(reports.map((r) => r.results.length));
    expect(ran.stdout.trim().split('\n').pop()).toBe(`${json.cells.flaky} flaky cell${json.cells.flaky === 1 ? '' : 's'} of ${json.cells.total} over 2 runs`);
    expect(ran.stderr).toMatch(/flakes: run 1\/2: .* in [\d.]+ s/);
    expect(ran.stderr).toMatch(/flakes: run 2\/2: /);
    expect(await pidsLeftWith(temp)).toEqual([]);
  });

  it('carries a case\'s flaky mark into report.json and lists the case apart', async () => {
    const [suite, out] = [tempDir(), tempDir()];
    writeFileSync(join(suite, 'marks.yaml'), MARKED_SUITE('the runtime is slow to flush under load'));
    const ran = await flakes(['--runs', '2', '--targets', 'node', '--suite', suite, '--out', out], {});
    const json = JSON.parse(readFileSync(join(out, 'flakes.json'), 'utf8'));
    expect(validateFlakes(json), JSON.stringify(validateFlakes.errors)).toBe(true);
    expect(json.marked).toEqual([{ caseId: 'demo/marks/marked', reason: 'the runtime is slow to flush under load', cells: 1, flipped: [] }]);
    const entries = (JSON.parse(readFileSync(join(out, 'run-1', 'report.json'), 'utf8')) as Report).cases;
    expect(entries.map((c) => [c.id, c.flaky])).toEqual([['demo/marks/marked', { reason: 'the runtime is slow to flush under load' }], ['demo/marks/plain', undefined]]);
    expect(ran.stdout).toContain('marked flaky: 1 case, flipped: 0 cells');
    expect(ran.code).toBe(json.cells.flaky > 0 ? 1 : 0);
  });

  it('exits 2 on bad usage: an unknown option, or a target the run does not know', async () => {
    const out = tempDir();
    expect((await flakes(['--runs', '0'], {})).code).toBe(2);
    const ran = await flakes(['--runs', '2', '--targets', 'no-such-target', '--suite', BASICS, '--out', out], {});
    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('no-such-target');
    expect(existsSync(join(out, 'flakes.json'))).toBe(false);
  });

  it('prints its options with --help and exits 0', async () => {
    const ran = await flakes(['--help'], {});
    expect(ran.code).toBe(0);
    for (const option of ['--runs', '--targets', '--suite', '--filter', '--area', '--concurrency', '--jobs', '--out']) expect(ran.stdout).toContain(option);
  });

  it('stops on Ctrl-C, summarises the runs that finished and leaves no process behind', async () => {
    const [out, temp] = [tempDir(), tempDir()];
    mkdirSync(out, { recursive: true });
    const ran = await flakes(['--runs', '5', '--targets', 'node', '--suite', BASICS, '--out', out], { TMPDIR: temp }, (pid) => {
      const poll = setInterval(() => {
        // Once run 1 is done and run 2 has results: Ctrl-C, as a terminal sends it, to the whole group.
        const journal = join(out, 'run-2', 'results.jsonl');
        if (existsSync(journal) && readFileSync(journal, 'utf8').includes('\n')) {
          clearInterval(poll);
          process.kill(-pid, 'SIGINT');
        }
      }, 50);
    }, true);
    expect(ran.code, ran.stderr).toBe(130);
    const json = JSON.parse(readFileSync(join(out, 'flakes.json'), 'utf8'));
    expect(validateFlakes(json), JSON.stringify(validateFlakes.errors)).toBe(true);
    expect(json.interrupted).toBe(true);
    expect(json.runs.map((r: { index: number }) => r.index)).toEqual([1, 2]);
    expect(json.runs[0]).toMatchObject({ interrupted: false, results: 8 });
    // Run 2 stopped as `edgecompat run` stops on Ctrl-C: its report keeps what finished, and the cells
    // it has no result for are missing there, not flips.
    expect(json.runs[1], JSON.stringify(json.runs)).toMatchObject({ exitCode: 130, interrupted: true });
    expect(json.runs[1].results).toBeGreaterThanOrEqual(1);
    expect(json.missing.map((m: { runs: number[] }) => m.runs)).toEqual(Array(8 - json.runs[1].results).fill([2]));
    expect(json.cells).toMatchObject({ runs: 2, total: 8, missing: 8 - json.runs[1].results });
    expect(existsSync(join(out, 'run-3'))).toBe(false);
    expect(await pidsLeftWith(temp)).toEqual([]);
  });
});

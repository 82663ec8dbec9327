/**
 * The CLI end to end, as a user runs it: `node cli/bin.mjs ...` in a child process, on the
 * fixture suites in test/fixtures/, against real node and edge-runtime targets.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateReport } from '../schemas/validators.ts';
import type { Report } from '../core/report/report-types.ts';
import { pidsLeftWith } from './support/processes.ts';

const BIN = new URL('../cli/bin.mjs', import.meta.url).pathname;
const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function outDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgecompat-cli-'));
  dirs.push(dir);
  return dir;
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], options: { onStart?: (child: ReturnType<typeof spawn>) => void; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    options.onStart?.(child);
  });
}

const readReport = (dir: string): Report => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
const statuses = (report: Report, target: string) =>
  Object.fromEntries(report.results.filter((r) => r.target === target).map((r) => [r.caseId.split('/').pop(), r.status]));


describe('edgecompat run', () => {
  it('runs the cases on node and edge-runtime and writes a report that validates', async () => {
    const out = outDir();
    const ran = await cli(['run', '--suite', join(FIXTURES, 'suites/basics'), '--targets', 'node,edge-runtime', '--out', out]);
    expect(ran.code).toBe(1);
    const report = readReport(out);
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report.targets.map((t) => [t.name, t.runtime])).toEqual([['node', 'node'], ['edge-runtime', 'edge-runtime']]);
    expect(report.targets[0].version).toBe(process.versions.node);
    expect(report.targets[1].version).toMatch(/^\d+\.\d+\.\d+$/);
    for (const name of ['index.html', 'junit.xml', 'summary.md', 'results.jsonl']) expect(existsSync(join(out, name))).toBe(true);

    const node = statuses(report, 'node');
    const edge = statuses(report, 'edge-runtime');
    // Streaming passes on both; the buffered body fails the same expectation on both.
    expect([node.streamed, edge.streamed, node.buffered, edge.buffered]).toEqual(['PASS', 'PASS', 'FAIL', 'FAIL']);
    // The edge contract: eval and new Function are refused on edge-runtime, not on node.
    const message = (target: string, id: string) => report.results.find((r) => r.target === target && r.caseId === `basics/basics/${id}`)!.message;
    expect(message('edge-runtime', 'eval')).toBe('threw EvalError: Code generation from strings disallowed for this context');
    expect(message('edge-runtime', 'new-function')).toBe('threw EvalError: Code generation from strings disallowed for this context');
    expect(message('edge-runtime', 'typeof-require')).toBe('gave "undefined"');
    expect(message('node', 'eval')).toBe("expected eval('1+1') to throw EvalError, it gave 2");
    // A route that breaks at load fails alone; a string chunk kills edge-runtime's process: CRASH.
    expect([node['top-level-throw'], edge['top-level-throw']]).toEqual(['FAIL', 'FAIL']);
    expect(edge['string-chunk']).toBe('CRASH');
    expect(message('edge-runtime', 'string-chunk')).toContain('did not return bytes');
    expect(node.echo).toBe('PASS');
    expect(ran.stdout).toContain('edge-runtime');
  });

  it('gives every other case the same result with or without the case that crashes the target', async () => {
    const withCrash = outDir();
    const without = outDir();
    const suite = join(FIXTURES, 'suites/basics');
    await cli(['run', '--suite', suite, '--targets', 'edge-runtime', '--out', withCrash, '--reporter', 'json']);
    const ids = ['streamed', 'buffered', 'eval', 'new-function', 'typeof-require', 'echo', 'top-level-throw'].map((id) => `basics/basics/${id}`);
    await cli(['run', '--suite', suite, '--targets', 'edge-runtime', '--out', without, '--reporter', 'json', '--filter', ids.join(',')]);
    const a = statuses(readReport(withCrash), 'edge-runtime');
    const b = statuses(readReport(without), 'edge-runtime');
    expect(a['string-chunk']).toBe('CRASH');
    delete a['string-chunk'];
    expect(a).toEqual(b);
    expect(Object.keys(b)).toHaveLength(7);
  });

  it('exits 0 when every case passes', async () => {
    const ran = await cli(['run', '--suite', join(FIXTURES, 'suites/basics'), '--targets', 'edge-runtime', '--filter', 'basics/basics/streamed,basics/basics/eval', '--out', outDir(), '--reporter', 'json']);
    expect(ran.code).toBe(0);
  });

  it('stops on a malformed case file with exit 2, the file and the field, and runs nothing', async () => {
    const out = outDir();
    const ran = await cli(['run', '--suite', join(FIXTURES, 'malformed'), '--out', out]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/malformed\/bad\.yaml:9 \/cases\/0\/expect\/status: must be integer/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('exits 2 when the filters select no case (a typo must not turn a gate green), unless --allow-empty', async () => {
    const out = outDir();
    const typo = await cli(['run', '--filter', 'streaming/no-such-case-anywhere', '--targets', 'node', '--out', out]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/--filter streaming\/no-such-case-anywhere: selects no case of the \d+ loaded; nothing would run \(pass --allow-empty/);
    expect(typo.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(out)).toEqual([]);
    const allowed = await cli(['run', '--filter', 'streaming/no-such-case-anywhere', '--targets', 'node', '--allow-empty', '--reporter', 'json', '--out', out]);
    expect(allowed.code).toBe(0);
  });

  it('exits 2 on an unknown target, a target given twice, or an unknown option', async () => {
    expect((await cli(['run', '--targets', 'nope', '--out', outDir()])).stderr).toContain('unknown target "nope"');
    // Twice, a column would put two results in each of its cells (a report that fails its own schema).
    const twice = await cli(['run', '--targets', 'node,bun,node', '--out', outDir()]);
    expect([twice.code, twice.stderr]).toEqual([2, expect.stringContaining('--targets: target "node" is listed twice')]);
    expect((await cli(['run', '--bogus'])).code).toBe(2);
  });

  it('keeps finished results and leaves no runtime alive when interrupted with Ctrl-C', async () => {
    const out = outDir();
    const journal = join(out, 'results.jsonl');
    // The run's own temporary folder, so its target processes can be told from other tests'.
    const temp = outDir();
    const ran = await cli(['run', '--suite', join(FIXTURES, 'suites/slow'), '--targets', 'node,edge-runtime', '--concurrency', '1', '--out', out], {
      env: { TMPDIR: temp },
      onStart: (child) => {
        const poll = setInterval(() => {
          if (existsSync(journal) && readFileSync(journal, 'utf8').split('\n').filter(Boolean).length >= 2) {
            clearInterval(poll);
            child.kill('SIGINT');
          }
        }, 50);
      },
    });
    expect(ran.code).toBe(130);
    const finished = readFileSync(journal, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const results = finished.filter((l) => l.type === 'result');
    expect(results.length).toBeGreaterThanOrEqual(2);
    expect(results.length).toBeLessThan(24);
    const report = readReport(out);
    expect(report.interrupted).toBe(true);
    expect(report.results.length).toBe(results.length);
    expect(await pidsLeftWith(temp)).toEqual([]);
  });
});

describe('edgecompat run --shard and merge', () => {
  it('merges two shards into the same results as one unsharded run, case for case', async () => {
    const suite = join(FIXTURES, 'suites/basics');
    const [whole, one, two] = [outDir(), outDir(), outDir()];
    const common = ['run', '--suite', suite, '--targets', 'node', '--reporter', 'json'];
    await Promise.all([cli([...common, '--out', whole]), cli([...common, '--shard', '1/2', '--out', one]), cli([...common, '--shard', '2/2', '--out', two])]);
    const [a, b] = [readReport(one), readReport(two)];
    expect(a.results.length).toBeGreaterThan(0);
    expect(b.results.length).toBeGreaterThan(0);
    expect(a.results.some((r) => b.results.some((o) => o.caseId === r.caseId))).toBe(false);
    const merged = join(outDir(), 'merged.json');
    expect((await cli(['merge', join(one, 'report.json'), join(two, 'report.json'), '--out', merged])).code).toBe(0);
    const report: Report = JSON.parse(readFileSync(merged, 'utf8'));
    expect(statuses(report, 'node')).toEqual(statuses(readReport(whole), 'node'));
    expect(report.caseSetHash).toBe(readReport(whole).caseSetHash);
  });
});

describe('edgecompat list and --help', () => {
  it('lists cases and targets', async () => {
    const ran = await cli(['list', '--suite', join(FIXTURES, 'suites/basics')]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('basics/basics/streamed');
    expect(ran.stdout).toMatch(/\* node/);
  });

  it('documents every command and run option that exists', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['run', 'list', 'serve', 'bundle', 'report', 'merge', 'diff', 'expectations']) expect(help.stdout).toContain(command);
    const runHelp = (await cli(['run', '--help'])).stdout;
    for (const option of ['--targets', '--suite', '--filter', '--area', '--tag', '--out', '--shard', '--runner', '--url', '--expectations', '--concurrency', '--jobs', '--reporter', '--exit-zero']) expect(runHelp).toContain(option);
  });
});

/**
 * The fault table: a run survives faults of its routes, its targets and its machine, and says what
 * happened. For each fault the run finishes with the exit code README.md's table gives, report.json
 * exists and validates, every result the fault does not touch has the status a clean run gives it
 * (the same suites without the faulty cases, compared per target and case), and no process of the run
 * outlives it: none descends from this test's process, none has the run's temporary folder (its
 * TMPDIR, where every target's work folder lives) on its command line. Everything runs as a user runs
 * it, `node cli/bin.mjs`, on the tiny suites of test/fixtures/suites/faults/ and fast columns.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveDescendants } from '../runners/host/proc.ts';
import { assertValidReport } from '../core/report/recorder.ts';
import type { Report, Result } from '../core/report/report-types.ts';
import { pidsWith } from './support/processes.ts';

const BIN = new URL('../cli/bin.mjs', import.meta.url).pathname;
const FAULTS = new URL('./fixtures/suites/faults/', import.meta.url).pathname;
const NEVER_READY = new URL('./fixtures/runners/never-ready.mjs', import.meta.url).pathname;
const SLOW_BUILD = new URL('./fixtures/runners/slow-build.mjs', import.meta.url).pathname;
const GOOD = join(FAULTS, 'good');
const SLOW = join(FAULTS, 'slow');
/** The fast columns: every route fault runs on each. */
const COLUMNS = ['node', 'edge-runtime', 'workerd', 'deno', 'bun'];
/** The columns whose runtime lets a route end its own process (process.exit, Deno.exit). */
const CAN_EXIT = ['node', 'deno', 'bun'];
const GIB = 1024 * 1024 * 1024;

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgecompat-faults-'));
  dirs.push(dir);
  return dir;
}

/** One CLI run: its exit, its output, its temporary folder and the most memory it held. */
interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The run's TMPDIR: every work folder of the run is inside it. */
  temp: string;
  /** The largest VmHWM (peak resident set) read from /proc while the process ran, in bytes. */
  peakRss: number;
  /** Whether this file's hang limit had to stop the process (SIGTERM). */
  hung: boolean;
}

interface CliOptions {
  env?: NodeJS.ProcessEnv;
  /** Called once the process is spawned (to signal it mid-run). */
  onStart?: (child: ChildProcess) => void;
}

/**
 * A run that outlives this is stopped with SIGTERM (it then ends interrupted, exit 130), so that a run
 * that hangs fails its test with what it printed instead of outliving it. No run here comes near it.
 */
const HANG_LIMIT_MS = 100_000;
const running = new Set<ChildProcess>();
/** How long a test may take: a few runs, each bounded by HANG_LIMIT_MS. */
const TEST_MS = 2.5 * HANG_LIMIT_MS;
// A run still going when the file ends (its test timed out) is stopped as CI stops one, so it stops its targets.
afterAll(async () => {
  await Promise.all([...running].map((child) => new Promise((resolve) => child.once('close', resolve).kill('SIGTERM'))));
});

/** Runs `edgecompat <args>` with a TMPDIR of its own; reads its peak memory from /proc while it runs. */
function edgecompat(args: string[], options: CliOptions = {}): Promise<Ran> {
  const temp = tempDir();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', TMPDIR: temp, ...options.env } });
    let stdout = '';
    let stderr = '';
    let peakRss = 0;
    const readPeak = () => {
      try {
        const kb = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        if (kb) peakRss = Math.max(peakRss, Number(kb) * 1024);
      } catch {
        /* gone */
      }
    };
    running.add(child);
    let hung = false;
    const limit = setTimeout(() => {
      hung = true;
      child.kill('SIGTERM');
    }, HANG_LIMIT_MS);
    const poll = setInterval(readPeak, 50);
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('exit', readPeak);
    child.on('close', (code, signal) => {
      running.delete(child);
      clearTimeout(limit);
      clearInterval(poll);
      resolve({ code, signal, stdout, stderr, temp, peakRss, hung });
    });
    options.onStart?.(child);
  });
}

/** The run's processes that are still alive: descendants of this test's process, and any with the run's folder on its command line. */
async function leftovers(ran: Ran): Promise<string[]> {
  // A target killed as edgecompat exits may take a moment to be gone: wait for that, generously.
  for (let waited = 0; ; waited += 100) {
    const left = [...liveDescendants().map((pid) => `descendant ${pid}`), ...(await pidsWith(ran.temp)).map((pid) => `with ${ran.temp}: ${pid}`)];
    if (left.length === 0 || waited >= 5000) return left;
    await sleep(100);
  }
}

const readReport = (out: string): Report => {
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assertValidReport(report);
  return report;
};
const cell = (r: Pick<Result, 'target' | 'caseId'>) => `${r.target} × ${r.caseId}`;
/** Status per (target, case), optionally only the cells of `only`. */
function statuses(report: Report, only?: Record<string, string>): Record<string, string> {
  const all = Object.fromEntries(report.results.map((r) => [cell(r), r.status]));
  return only ? Object.fromEntries(Object.keys(only).map((k) => [k, all[k]])) : all;
}
/** The result of one cell; an empty one (no status) when the report lacks it, so the comparison says which. */
const resultOf = (report: Report, target: string, caseId: string): Partial<Result> & Pick<Result, 'observation'> =>
  report.results.find((r) => r.target === target && r.caseId === caseId) ?? { observation: { steps: [] } };
/** Journal lines, parsed. */
const journalOf = (out: string) => readFileSync(join(out, 'results.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const journalResults = (out: string): Result[] => journalOf(out).filter((l) => l.type === 'result').map((l) => l.result);

/** Checks every result has one cell of its own: no cell judged twice, none missing. */
function expectEveryCellOnce(report: Report, targets: string[]): void {
  const seen = report.results.map(cell);
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.length).toBe(report.cases.length * targets.length);
}

// The clean run every faulty run is compared with: the good cases alone on the fast columns.
let clean: { ran: Ran; report: Report } | undefined;
async function cleanRun(): Promise<{ ran: Ran; report: Report }> {
  if (!clean) {
    const out = tempDir();
    const ran = await edgecompat(['run', '--suite', GOOD, '--targets', COLUMNS.join(','), '--reporter', 'json', '--out', out]);
    clean = { ran, report: readReport(out) };
  }
  return clean;
}

describe('faults of a route: it ends its process, never answers, floods its response', () => {
  let faulty: { ran: Ran; report: Report; out: string };
  beforeAll(async () => {
    const out = tempDir();
    const ran = await edgecompat(['run', '--suite', GOOD, '--suite', join(FAULTS, 'route'), '--targets', COLUMNS.join(','), '--reporter', 'json', '--out', out]);
    faulty = { ran, report: readReport(out), out };
    await cleanRun();
  }, TEST_MS);

  it('finishes with exit 1 (cases not as expected), a valid report with every cell once, and every unaffected cell as in a clean run', async () => {
    expect(faulty.ran.code, faulty.ran.stderr).toBe(1);
    expectEveryCellOnce(faulty.report, COLUMNS);
    expect(clean!.ran.code, clean!.ran.stderr).toBe(1); // its wrong-body case fails on purpose
    const want = statuses(clean!.report);
    expect(Object.keys(want)).toHaveLength(4 * COLUMNS.length);
    expect(statuses(faulty.report, want)).toEqual(want);
    expect(await leftovers(faulty.ran)).toEqual([]);
    expect(await leftovers(clean!.ran)).toEqual([]);
  });

  it('a route that ends its process mid-body is CRASH where the runtime lets it, with the exit', () => {
    for (const target of CAN_EXIT) {
      const result = resultOf(faulty.report, target, 'faults/crash/exits-mid-body');
      expect([target, result.status]).toEqual([target, 'CRASH']);
      expect(result.message).toMatch(/^the target process died \(exit code 1\) while this case ran/);
    }
  });

  it('a handler that never resolves is TIMEOUT on every column', () => {
    for (const target of COLUMNS) {
      const result = resultOf(faulty.report, target, 'faults/hang/never-resolves');
      expect([target, result.status, result.message]).toEqual([target, 'TIMEOUT', 'no complete response to request 1 within the case timeout']);
    }
  });

  it('a 1 GiB response is read to its end as a stream: judged by its expectation, an excerpt in the report, edgecompat\'s memory bounded', () => {
    for (const target of COLUMNS) {
      const result = resultOf(faulty.report, target, 'faults/flood/one-gibibyte');
      const step = result.observation.steps[0];
      // The expectation is the body's length: the whole body was read, and judged.
      expect([target, result.status, result.message, step?.bodyLength]).toEqual([target, 'PASS', 'as expected', GIB]);
      expect(step.bodyExcerpt!.length).toBeLessThanOrEqual(2048);
      expect(step.bodySha256).toMatch(/^[0-9a-f]{64}$/);
    }
    // Five times 1 GiB went through edgecompat: neither its report nor its memory holds it.
    expect(statSync(join(faulty.out, 'report.json')).size).toBeLessThan(64 * 1024 * 1024);
    expect(faulty.ran.peakRss).toBeGreaterThan(0);
    expect(faulty.ran.peakRss).toBeLessThan(400 * 1024 * 1024);
  });
});

describe('a route that never reads a large request body', () => {
  it('ends by its response (or its timeout), and the run goes on', async () => {
    // 64 chunks of 1 MiB sent as a stream: one 1 MiB string, and 63 YAML aliases of it.
    const suite = tempDir();
    const mib = 'x'.repeat(1024 * 1024);
    writeFileSync(join(suite, 'big-body.yaml'), [
      'area: faults',
      'feature: big-body',
      'source: https://www.rfc-editor.org/rfc/rfc9112#section-9.6',
      'cases:',
      '  - id: faults/big-body/never-reads',
      '    title: answers without reading a 64 MiB request body sent as a stream',
      '    timeoutMs: 10000',
      '    route: |',
      "      export default () => new Response('not read')",
      '    request:',
      '      method: POST',
      '      path: /upload',
      `      body: { chunks: [&mib "${mib}", ${Array(63).fill('*mib').join(', ')}] }`,
      '    expect: { status: 200, body: { equals: not read } }',
      '',
    ].join('\n'));
    const out = tempDir();
    const ran = await edgecompat(['run', '--suite', GOOD, '--suite', suite, '--targets', COLUMNS.join(','), '--reporter', 'json', '--out', out]);
    const report = readReport(out);
    expect(ran.code, ran.stderr).toBe(1);
    expectEveryCellOnce(report, COLUMNS);
    for (const target of COLUMNS) {
      const result = resultOf(report, target, 'faults/big-body/never-reads');
      // Whatever the runtime does with a body it never reads, it is the runtime's: a response, an
      // error, or no complete response within the case's timeout. Never edgecompat's own ERROR.
      expect([target, ['PASS', 'FAIL', 'TIMEOUT'].includes(result.status ?? '')], result.message).toEqual([target, true]);
    }
    const want = statuses((await cleanRun()).report);
    expect(statuses(report, want)).toEqual(want);
    expect(await leftovers(ran)).toEqual([]);
  }, TEST_MS);
});

describe('a target that never becomes ready', () => {
  it('ends its column in ERROR (silent) or TIMEOUT (hangs while loading) cells with the reason, and kills its processes', async () => {
    const out = tempDir();
    const columns = ['node', 'never-ready-silent', 'never-ready-loading'];
    const ran = await edgecompat(['run', '--runner', NEVER_READY, '--suite', GOOD, '--targets', columns.join(','), '--reporter', 'json', '--out', out]);
    expect(ran.code, ran.stderr).toBe(1);
    const report = readReport(out);
    expectEveryCellOnce(report, columns);
    const silent = report.results.filter((r) => r.target === 'never-ready-silent');
    expect(silent.map((r) => r.status)).toEqual(['ERROR', 'ERROR', 'ERROR', 'ERROR']);
    for (const r of silent) expect(r.message).toMatch(/did not start loading its routes within 2000 ms/);
    const loading = report.results.filter((r) => r.target === 'never-ready-loading');
    expect(loading.map((r) => [r.status, r.message])).toEqual(Array(4).fill(['TIMEOUT', 'the route did not finish loading within 5000 ms']));
    const want = Object.fromEntries(Object.entries(statuses((await cleanRun()).report)).filter(([k]) => k.startsWith('node ×')));
    expect(statuses(report, want)).toEqual(want);
    expect(await leftovers(ran)).toEqual([]);
  }, TEST_MS);
});

describe('a missing runtime binary', () => {
  it('makes its column SKIP with the reason; the other columns run as in a clean run', async () => {
    const out = tempDir();
    const ran = await edgecompat(['run', '--suite', GOOD, '--targets', 'node,deno', '--reporter', 'json', '--out', out], { env: { EDGECOMPAT_DENO_BIN: '/nonexistent' } });
    expect(ran.code, ran.stderr).toBe(1); // node's wrong-body case; a SKIP fails no gate
    const report = readReport(out);
    expectEveryCellOnce(report, ['node', 'deno']);
    const reason = 'EDGECOMPAT_DENO_BIN=/nonexistent is not an executable file';
    expect(report.targets.find((t) => t.name === 'deno')!.skipped).toBe(reason);
    expect(report.results.filter((r) => r.target === 'deno').map((r) => [r.status, r.message])).toEqual(Array(4).fill(['SKIP', reason]));
    const want = Object.fromEntries(Object.entries(statuses((await cleanRun()).report)).filter(([k]) => k.startsWith('node ×')));
    expect(statuses(report, want)).toEqual(want);
    expect(await leftovers(ran)).toEqual([]);
  }, TEST_MS);
});

describe('a busy port', () => {
  let holder: Server;
  afterAll(() => new Promise<void>((resolve) => (holder ? holder.close(() => resolve()) : resolve())));

  it('serve --port <a port another server holds> exits 2 naming the port, with no stack trace, and stops its target', async () => {
    holder = createServer((_req, res) => res.end('taken'));
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    const ran = await edgecompat(['serve', '--target', 'node', '--port', String(port), '--suite', GOOD]);
    expect(ran.code, ran.stderr).toBe(2);
    expect(ran.stderr).toContain(`--port: cannot listen on 127.0.0.1:${port}: the port is in use by another process`);
    expect(ran.stderr).not.toMatch(/\n\s+at /);
    expect(ran.stdout).toBe('');
    expect(await leftovers(ran)).toEqual([]);
  }, TEST_MS);
});

describe('SIGINT and SIGTERM mid-run, and run --resume', () => {
  const args = ['run', '--suite', SLOW, '--targets', 'node,bun', '--reporter', 'json'];
  const cells = 6 * 2;
  /** Starts a run with one case in flight per column and sends `signal` once `after` results are in its journal. */
  async function interrupted(signal: NodeJS.Signals, after: number): Promise<{ ran: Ran; out: string }> {
    const out = tempDir();
    const journal = join(out, 'results.jsonl');
    const ran = await edgecompat([...args, '--concurrency', '1', '--out', out], {
      onStart: (child) => {
        const poll = setInterval(() => {
          if (existsSync(journal) && readFileSync(journal, 'utf8').split('\n').filter(Boolean).length >= after) {
            clearInterval(poll);
            child.kill(signal);
          }
        }, 20);
        child.on('exit', () => clearInterval(poll));
      },
    });
    return { ran, out };
  }

  /**
   * A run stopped by a signal: exit 130, its report marked interrupted and holding exactly the (at
   * least `atLeast`, not all) results of its journal, and no process left behind. Returns the report.
   */
  async function expectStopped(ran: Ran, out: string, atLeast: number): Promise<Report> {
    expect(ran.code, ran.stderr).toBe(130);
    const report = readReport(out);
    expect(report.interrupted).toBe(true);
    const kept = journalResults(out);
    expect(kept.length).toBeGreaterThanOrEqual(atLeast);
    expect(kept.length).toBeLessThan(cells);
    expect(report.results.map(cell).sort()).toEqual(kept.map(cell).sort());
    expect(await leftovers(ran)).toEqual([]);
    return report;
  }

  let cleanSlow: { ran: Ran; report: Report };
  beforeAll(async () => {
    const out = tempDir();
    const ran = await edgecompat([...args, '--out', out]);
    cleanSlow = { ran, report: readReport(out) };
  }, TEST_MS);

  it('SIGINT keeps the finished results (journal, report marked interrupted, exit 130); --resume runs only the other cells', async () => {
    const { ran, out } = await interrupted('SIGINT', 2);
    await expectStopped(ran, out, 2);
    const kept = journalResults(out);
    const journalBefore = readFileSync(join(out, 'results.jsonl'), 'utf8');

    // A line the interrupted run did not finish writing is dropped, not read.
    appendFileSync(join(out, 'results.jsonl'), '{"type":"result","result":{"caseId":"faults/slow/wa');
    const resumed = await edgecompat([...args, '--resume', out]);
    expect(resumed.code, resumed.stderr).toBe(cleanSlow.ran.code);
    expect(cleanSlow.ran.code).toBe(1); // wait-4-wrong fails on purpose
    expect(resumed.stderr).toContain(`resuming: ${kept.length} of ${cells} result(s) are kept`);
    const report = readReport(out);
    expect(report.interrupted).toBeUndefined();
    expectEveryCellOnce(report, ['node', 'bun']);
    expect(statuses(report)).toEqual(statuses(cleanSlow.report));
    expect(report.caseSetHash).toBe(cleanSlow.report.caseSetHash);
    expect(report.targets.map((t) => t.name)).toEqual(['node', 'bun']);
    // The journal was appended to: the finished cells are there once, as they were, and no cell twice.
    const journal = readFileSync(join(out, 'results.jsonl'), 'utf8');
    expect(journal.startsWith(journalBefore)).toBe(true);
    const all = journalResults(out);
    expect(all.map(cell).sort()).toEqual(report.results.map(cell).sort());
    expect(new Set(all.map(cell)).size).toBe(cells);
    for (const before of kept) expect(all.find((r) => cell(r) === cell(before))).toEqual(before);
    expect(await leftovers(resumed)).toEqual([]);
  }, TEST_MS);

  it('--resume refuses (exit 2, nothing run) another case set, another selection, other columns, and a folder without a journal', async () => {
    const { ran, out } = await interrupted('SIGINT', 2);
    expect(ran.code, ran.stderr).toBe(130);
    const journal = readFileSync(join(out, 'results.jsonl'), 'utf8');
    // The same cases with one title changed: another case set.
    const changed = tempDir();
    cpSync(SLOW, changed, { recursive: true });
    writeFileSync(join(changed, 'slow.yaml'), readFileSync(join(changed, 'slow.yaml'), 'utf8').replace('answers after 400 ms (1)', 'answers after 400 ms (one)'));
    const refusals: Array<[string[], RegExp]> = [
      [['run', '--suite', changed, '--targets', 'node,bun', '--resume', out], /report\.json \/caseSetHash: the interrupted run loaded another case set/],
      [[...args, '--filter', 'faults/slow/wait-1,faults/slow/wait-2', '--resume', out], /report\.json \/cases: the interrupted run selected 6 case\(s\), this run 2/],
      [['run', '--suite', SLOW, '--targets', 'node', '--resume', out], /results\.jsonl: result \d+ \(bun × faults\/slow\/wait-[a-z0-9-]+\) is not a cell of this run/],
      [[...args, '--resume', tempDir()], /results\.jsonl: no such file: --resume takes the output folder of a run/],
    ];
    for (const [refused, why] of refusals) {
      const again = await edgecompat(refused);
      expect(again.code, again.stderr).toBe(2);
      expect(again.stderr).toMatch(why);
      expect(again.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8')).toBe(journal);
    expect(readReport(out).interrupted).toBe(true);
  }, TEST_MS);

  it('SIGTERM stops the run as SIGINT does: exit 130, finished results kept, every target stopped', async () => {
    const { ran, out } = await interrupted('SIGTERM', 1);
    const report = await expectStopped(ran, out, 1);
    const want = statuses(cleanSlow.report);
    for (const r of report.results) expect([cell(r), r.status]).toEqual([cell(r), want[cell(r)]]);
  }, TEST_MS);
  it('SIGINT during a column\'s build (prepare) stops the build: exit 130, no result for that column, no process left', async () => {
    const out = tempDir();
    const ran = await edgecompat(['run', '--runner', SLOW_BUILD, '--suite', GOOD, '--targets', 'slow-build', '--reporter', 'json', '--verbose', '--out', out], {
      onStart: (child) => child.stderr!.on('data', (d: Buffer) => d.toString().includes('slow-build: building') && child.kill('SIGINT')),
    });
    expect(ran.code, ran.stderr).toBe(130);
    // Stopped by the SIGINT sent once the build began (its diagnostic, shown with --verbose), not by this file's hang limit.
    expect(ran.stderr).toContain('slow-build: building');
    expect(ran.hung).toBe(false);
    const report = readReport(out);
    expect(report.interrupted).toBe(true);
    expect(report.results).toEqual([]);
    expect(await leftovers(ran)).toEqual([]);
  }, TEST_MS);
});

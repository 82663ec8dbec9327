/**
 * The benchmark's arithmetic and its synthetic cases (npm run bench). Nothing here times anything:
 * the figures it derives from a report, its judgement against the aims, and the suite copies, which
 * must load as distinct, valid cases that run the same routes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCases } from '../core/cases/load-cases.ts';
import { BENCH_TARGETS, judgeBench, longestInherentDelay } from '../core/perf/bench-figures.ts';
import { copiedId, copyCaseFile, writeSuiteCopies } from '../core/perf/suite-copies.ts';
import { childrenCpuMs } from '../runners/host/proc.ts';
import type { Result } from '../core/report/report-types.ts';
import { execFileSync } from 'node:child_process';

const result = (caseId: string, target: string, status: Result['status'], durationMs: number) =>
  ({ caseId, target, status, durationMs, expected: 'PASS', message: '', observation: { steps: [] } }) as Result;

describe('the longest inherent case delay', () => {
  it('is the largest, over cases, of the fastest time any target ran the case in', () => {
    const delay = longestInherentDelay({
      results: [
        result('a/slow', 'node', 'PASS', 2100),
        result('a/slow', 'bun', 'FAIL', 2005),
        result('a/slow', 'deno', 'TIMEOUT', 30_000),
        result('a/quick', 'node', 'PASS', 40),
        // A case that hung on one target and was quick on another waits for nothing of its own.
        result('a/hung', 'node', 'TIMEOUT', 30_000),
        result('a/hung', 'bun', 'PASS', 12),
      ],
    });
    expect(delay).toEqual({ caseId: 'a/slow', ms: 2005, target: 'bun' });
  });

  it('leaves out cells that sent no request (SKIP, a refused route)', () => {
    expect(longestInherentDelay({ results: [result('a/skip', 'node', 'SKIP', 5000), result('a/refused', 'node', 'FAIL', 0)] })).toBeUndefined();
  });
});

describe('the figures against the aims', () => {
  it('says which figures are over their bound, with the 4-shard bound of 35%', () => {
    const verdicts = judgeBench({ lowerBoundRatio: 2.5, overheadRatio: 1.2, peakRssMb: 251, scaleRatio: 2.9, scale: 10, shardShares: [0.3, 0.36, 0.2, 0.25] });
    expect(verdicts.map((v) => [v.figure, v.within])).toEqual([
      ['wall time / lower bound', false],
      ['harness / raw undici, per request', true],
      ['edgecompat peak RSS (MB)', false],
      ['10x cases / 1x, wall time', true],
      ['shard 1/4 / whole run', true],
      ['shard 2/4 / whole run', false],
      ['shard 3/4 / whole run', true],
      ['shard 4/4 / whole run', true],
    ]);
    expect(verdicts[4].bound).toBe(BENCH_TARGETS.shardShare);
  });

  it('holds verified isolation to a fifth of fresh isolation\'s wall time, when both ran', () => {
    const [within, over] = [0.19, 0.5].map((verifiedShare) => judgeBench({ lowerBoundRatio: 1, overheadRatio: 1, peakRssMb: 1, shardShares: [], verifiedShare }).find((v) => v.figure === 'verified / fresh isolation, wall time'));
    expect([within?.within, over?.within, within?.bound]).toEqual([true, false, 0.2]);
    expect(judgeBench({ lowerBoundRatio: 1, overheadRatio: 1, peakRssMb: 1, shardShares: [] }).map((v) => v.figure)).not.toContain('verified / fresh isolation, wall time');
  });

  it('bounds n shards other than 4 at 1/n + 0.1, and leaves out the scale figure when no copies ran', () => {
    const verdicts = judgeBench({ lowerBoundRatio: 1, overheadRatio: 1, peakRssMb: 1, shardShares: [0.55, 0.61] });
    expect(verdicts.map((v) => v.figure)).not.toContain('10x cases / 1x, wall time');
    expect(verdicts.slice(-2).map((v) => [v.bound, v.within])).toEqual([[0.6, true], [0.6, false]]);
  });
});

describe('synthetic copies of the suites', () => {
  const out = mkdtempSync(join(tmpdir(), 'edgecompat-copies-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('moves each id under its copy, keeping its area first, and leaves other YAML alone', () => {
    expect(copiedId('streaming/readable-stream/a', 'streaming', 3)).toBe('streaming/copy-3/readable-stream/a');
    const text = '# kept\narea: errors\ncases:\n  - id: errors/x/one # why\n    title: t\n';
    expect(copyCaseFile(text, 2)).toBe('# kept\narea: errors\ncases:\n  - id: errors/copy-2/x/one # why\n    title: t\n');
    expect(copyCaseFile('readable-stream: "features"\n', 2)).toBe('readable-stream: "features"\n');
  });

  it('gives n times the cases, each id once, each route the same as the original (route files included)', async () => {
    const original = await loadCases(['suites/modules', 'suites/errors']);
    const copies = writeSuiteCopies(['suites/modules', 'suites/errors'], 3, out);
    const copied = await loadCases(copies);
    expect(copied).toHaveLength(3 * original.length);
    expect(new Set(copied.map((c) => c.id)).size).toBe(copied.length);
    const byId = new Map(original.map((c) => [c.id, c]));
    for (const c of copied) {
      const from = byId.get(c.id.replace(/\/copy-\d+\//, '/'))!;
      expect([c.route, c.area, c.steps]).toEqual([from.route, from.area, from.steps]);
    }
    // The modules area has route files of its own (helpers, packages): they came along.
    expect(original.some((c) => c.routeFile)).toBe(true);
  });
});

describe('CPU time of waited-for children', () => {
  it('grows by what a child spent on the CPU once it has been waited for', () => {
    const before = childrenCpuMs();
    // The child spins until it has used 300 ms of CPU by its own count, however busy the machine is.
    execFileSync(process.execPath, ['-e', 'while (process.cpuUsage().user + process.cpuUsage().system < 300_000);']);
    expect(childrenCpuMs() - before).toBeGreaterThanOrEqual(290);
  });

  it('judges the HTML report\'s timings when measured, the browser\'s only with Chromium', () => {
    const base = { lowerBoundRatio: 1, overheadRatio: 1, peakRssMb: 1, shardShares: [] };
    const figures = (html?: { renderMs: number; loadMs?: number; filterMs?: number }) => judgeBench({ ...base, ...(html ? { html } : {}) }).filter((v) => v.figure.startsWith('HTML report'));
    expect(figures()).toEqual([]);
    expect(figures({ renderMs: 1200 })).toEqual([{ figure: 'HTML report, render (ms)', value: 1200, bound: BENCH_TARGETS.htmlRenderMs, within: false }]);
    expect(figures({ renderMs: 300, loadMs: 900, filterMs: 250 }).map((v) => [v.figure, v.within])).toEqual([
      ['HTML report, render (ms)', true],
      ['HTML report, open in Chromium (ms)', true],
      ['HTML report, one text filter (ms)', false],
    ]);
  });
});

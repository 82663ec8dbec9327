/**
 * run --perf: figures, not verdicts. These tests check that the figures are there and are what they
 * say (memory read from the target's own processes), never how fast anything is.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { memoryOfUrl } from '../core/perf/process-memory.ts';
import { median } from '../core/perf/measure.ts';
import { renderHtml } from '../reports/html/render.ts';
import { buildSampleReport } from '../reports/sample-report.ts';
import { runSuites } from './support/run-suites.ts';
import { validateReport } from '../schemas/validators.ts';

describe('memory of a target, found from its port', () => {
  it("reads the listening process's group, and refuses edgecompat's own process", async () => {
    const script = "require('http').createServer((q, s) => s.end('x')).listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n') }); setTimeout(() => {}, 60000)";
    const child = spawn(process.execPath, ['-e', script], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(child.stdout!, 'data')) as [Buffer];
      const reading = memoryOfUrl(`http://127.0.0.1:${line.toString().trim()}`);
      expect('bytes' in reading && reading.bytes).toBeGreaterThan(10 * 1024 * 1024);
      expect('pids' in reading && reading.pids).toContain(child.pid);
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
    }
    const own = createServer((_q, s) => s.end('x')).listen(0, '127.0.0.1');
    await once(own, 'listening');
    const port = (own.address() as { port: number }).port;
    expect(memoryOfUrl(`http://127.0.0.1:${port}`)).toEqual({ unavailable: "the port is served from edgecompat's own process (a proxy in front of the target)" });
    own.close();
    expect('unavailable' in memoryOfUrl('https://example.org/')).toBe(true);
  });

  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });
});

describe('run --perf', () => {
  it('puts cold start, time to first byte and memory in each target info, and the report validates', async () => {
    const report = await runSuites({ suites: ['suites/web-apis/wintertc-globals.yaml'], targets: ['node', 'workerd'], order: (cases) => cases.slice(0, 2), perf: { starts: 3, requests: 5 } });
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    for (const t of report.targets) {
      const p = t.perf!;
      expect(p.notes, t.name).toBeUndefined();
      expect(p.coldStartRunsMs).toHaveLength(3);
      expect(p.coldStartMs).toBe(median(p.coldStartRunsMs));
      expect(p.ttfbRequests).toBe(5);
      expect(p.ttfbMs).toBeGreaterThan(0);
      expect(p.rssAfterStartBytes).toBeGreaterThan(10 * 1024 * 1024);
      expect(p.rssAfterSuiteBytes).toBeGreaterThan(10 * 1024 * 1024);
    }
    // node reads a host's memory once each case has run (a fresh host per case, or a warm host after each).
    expect(report.targets.find((t) => t.name === 'node')!.perf!.rssAfterSuiteReadings).toBe(2);
    const html = renderHtml(report);
    expect(html).toContain('Cold start and memory');
    for (const t of report.targets) expect(html).toContain(`${(t.perf!.rssAfterStartBytes! / 1048576).toFixed(1)} MB`);
  }, 180_000);

  it('draws no panel for a run without --perf', () => {
    expect(renderHtml(buildSampleReport())).not.toContain('Cold start and memory');
  });
});

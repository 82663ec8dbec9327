/**
 * The report's isolation figures as the renderers show them: per column, verified or fresh, warm
 * hosts, the verdicts they gave, the scan's fresh hosts, the hosts retired grouped by what changed,
 * and the cases run again; escaped like every string from a report.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../core/report/report-types.ts';
import { renderHtml } from '../reports/html/render.ts';
import { isolationRows, reasonOf } from '../reports/isolation.ts';
import { renderMarkdown } from '../reports/markdown.ts';
import { buildSampleReport } from '../reports/sample-report.ts';

function withVerification(): Report {
  const report = buildSampleReport({ cases: 6, targets: 3 });
  const [a, b, c] = report.targets;
  a.verification = {
    mode: 'verified',
    proves: 'the object graph from globalThis',
    warmHosts: 4,
    casesOnWarmHosts: 5,
    freshByScan: { timers: 1, 'code-from-strings': 3 },
    retired: [
      { caseId: 'x/1', why: 'process._eventsCount: was number 3, is number 4; process._events.unhandledRejection: was absent' },
      { caseId: 'x/2', why: 'the host exited (exit code 1)' },
      { caseId: 'x/3', why: 'process._eventsCount: was number 3, is number 5' },
    ],
    ranAgainAlone: 3,
    ranAgainForLoad: [{ caseId: 'x/4', first: 'TIMEOUT', then: 'PASS' }],
  };
  b.verification = { mode: 'fresh' };
  b.name = 'fresh <b>column</b>';
  c.skipped = 'deno is not installed';
  c.verification = { mode: 'fresh' };
  return report;
}

describe('isolation in the reports', () => {
  it('tallies each column that ran: scan hazards most first, retirements grouped by what changed', () => {
    const rows = isolationRows(withVerification());
    expect(rows.map((r) => r.target.name)).toEqual([expect.any(String), 'fresh <b>column</b>']);
    expect(rows[0]).toMatchObject({ mode: 'verified', warmHosts: 4, casesOnWarmHosts: 5, freshByScan: 'code-from-strings 3, timers 1', retired: 3, ranAgainAlone: 3, ranAgainForLoad: 1 });
    expect(rows[0].reasons).toEqual(['process._eventsCount (2)', 'the host exited (exit code 1) (1)']);
    expect(rows[1]).toMatchObject({ mode: 'fresh', warmHosts: 0, casesOnWarmHosts: 0, freshByScan: '', retired: 0 });
  });

  it('names what changed, not its values', () => {
    expect(reasonOf('open timers and handles: was PipeWrap x1, is PipeWrap x1, Timeout x2')).toBe('open timers and handles');
    expect(reasonOf('proving the host: /usr/bin/node exited (code 1, signal null):\nstack')).toBe('proving the host');
    expect(reasonOf('the host exited (signal SIGKILL)')).toBe('the host exited (signal SIGKILL)');
  });

  it('shows them in Markdown and HTML, escaped, and nothing when no column says', () => {
    const report = withVerification();
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('### Isolation');
    expect(markdown).toMatch(/\| verified \| 4 \| 5 \| code-from-strings 3, timers 1 \| 3: process\.\\_eventsCount \(2\), the host exited \(exit code 1\) \(1\) \| 3 \| 1 \|/);
    expect(markdown).toContain('| fresh &lt;b&gt;column&lt;/b&gt; | fresh |');
    const html = renderHtml(report);
    expect(html).toContain('<h2>Isolation</h2>');
    expect(html).toContain('<th scope="row">fresh &lt;b&gt;column&lt;/b&gt;</th>');
    expect(html).not.toContain('<b>column</b>');
    const none = buildSampleReport({ cases: 2, targets: 2 });
    expect(renderMarkdown(none)).not.toContain('### Isolation');
    expect(renderHtml(none)).not.toContain('<h2>Isolation</h2>');
  });
});

/**
 * renderMarkdown and renderTerminal (the two plain-text summaries): shape, escaping, caps and size.
 */
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, renderMarkdown } from '../reports/markdown.ts';
import { HOSTILE, buildSampleReport } from '../reports/sample-report.ts';
import { plain, renderTerminal } from '../reports/terminal.ts';

/** Cells of a Markdown table row, split on unescaped pipes. */
const cells = (line: string) => line.replace(/\\\|/g, '\u0000').split('|').slice(1, -1);

describe('renderMarkdown', () => {
  const big = buildSampleReport({ hostile: true });
  const md = renderMarkdown(big);

  it('stays under 60 KB for 300 cases x 10 targets', () => {
    expect(Buffer.byteLength(md)).toBeLessThan(60_000);
  });

  it('has an area x target table with passed/total cells', () => {
    const lines = md.split('\n');
    const header = lines.find((l) => l.startsWith('| Area |'))!;
    expect(cells(header)).toHaveLength(big.targets.length + 1);
    const streaming = lines.find((l) => l.startsWith('| streaming |'))!;
    const want = big.targets.map((t) => {
      const rs = big.results.filter((r) => r.target === t.name && r.caseId.startsWith('streaming/') && r.status !== 'SKIP');
      return ` ${rs.filter((r) => r.status === 'PASS').length}/${rs.length} `;
    });
    expect(cells(streaming).slice(1)).toEqual(want);
  });

  it('keeps every table row to its column count, whatever the strings hold', () => {
    const lines = md.split('\n');
    let width = 0;
    for (const line of lines) {
      if (!line.startsWith('|')) { width = 0; continue; }
      if (width === 0) width = cells(line).length;
      expect(cells(line)).toHaveLength(width);
    }
  });

  it('caps the failing list with an "and N more" line, unexpected first', () => {
    // Failures, and passes the expectations did not expect (a known failure that now passes fails the gate).
    const failing = big.results.filter((r) => (r.status !== 'PASS' || r.expected !== 'PASS') && r.status !== 'SKIP');
    expect(big.results.some((r) => r.status === 'PASS' && r.expected !== 'PASS')).toBe(true);
    expect(md).toContain(`and ${failing.length - 50} more`);
    const rows = md.split('\n').filter((l) => / \| (\*\*)?(PASS|FAIL|TIMEOUT|CRASH|ERROR)(\*\*)? \| /.test(l));
    expect(rows).toHaveLength(50);
    expect(rows[0]).toContain('**');
  });

  it('escapes pipes, newlines, markup and control characters', () => {
    expect(escapeMarkdown('a|b\nc')).toBe('a\\|b c');
    expect(escapeMarkdown(HOSTILE.title)).not.toContain('<');
    expect(escapeMarkdown(HOSTILE.control)).not.toMatch(/[\u0000-\u001f]/);
    expect(md).not.toContain('<img');
    expect(md).not.toContain('<script');
  });
});

describe('renderTerminal', () => {
  const report = buildSampleReport({ cases: 50, targets: 3, hostile: true, skippedTarget: true });

  it('prints per target counts by status and per area passed/total, plain without colour', () => {
    const text = renderTerminal(report, { color: false });
    expect(text).not.toContain('\u001b');
    const first = report.targets[0].name;
    const pass = report.results.filter((r) => r.target === first && r.status === 'PASS').length;
    expect(text).toContain(`PASS ${pass}`);
    expect(text).toMatch(/\n {2}streaming +\d+\/\d+/);
    expect(text).toContain('skipped: ');
  });

  it('colours only when asked, and never passes a control character from the report through', () => {
    const coloured = renderTerminal(report, { color: true });
    expect(coloured).toContain('\u001b[32m');
    const withoutOurs = coloured.replace(/\u001b\[\d+m/g, '');
    expect(withoutOurs).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(plain('a\u001b[31mb\u0007')).toBe('a\\x1b[31mb\\x07');
  });

  it('caps the failing list per target', () => {
    const big = buildSampleReport();
    const text = renderTerminal(big, { color: false, maxFailures: 5 });
    expect(text).toMatch(/…and \d+ more/);
  });
});

/**
 * diffReports and its renderings: a run against itself is no change; one changed cell is named, and
 * only it; cases, targets, versions and settings that changed are listed; the terminal text says
 * so; the HTML with a baseline draws the section at the top, marks the cell, and escapes it all.
 */
import { describe, expect, it } from 'vitest';
import { diffReports, isEmptyDiff } from '../core/report/diff.ts';
import type { Report } from '../core/report/report-types.ts';
import { renderDiffText } from '../reports/diff-text.ts';
import { escapeHtml } from '../reports/html/escape.ts';
import { renderHtml } from '../reports/html/render.ts';
import { HOSTILE, buildSampleReport } from '../reports/sample-report.ts';

const base = buildSampleReport({ cases: 40, targets: 3 });

/** A copy of the base with the first result of the given status flipped to `to`. */
function flip(report: Report, from: 'PASS' | 'FAIL', to: 'PASS' | 'FAIL' | 'TIMEOUT'): { head: Report; caseId: string; target: string } {
  const head = structuredClone(report);
  const cell = head.results.find((r) => r.status === from)!;
  cell.status = to;
  cell.message = `now ${to}`;
  return { head, caseId: cell.caseId, target: cell.target };
}

describe('diffReports', () => {
  it('finds nothing between a run and itself', () => {
    const diff = diffReports(base, structuredClone(base));
    expect(isEmptyDiff(diff)).toBe(true);
    expect(renderDiffText(diff)).toMatch(/No changes/);
  });

  it('names the one case that passed and now fails as a new failure, and only it', () => {
    const { head, caseId, target } = flip(base, 'PASS', 'FAIL');
    const diff = diffReports(base, head);
    expect(diff.newFailures).toEqual([{ caseId, target, before: 'PASS', after: 'FAIL', expected: 'PASS', message: 'now FAIL' }]);
    expect(diff.fixes).toEqual([]);
    expect(diff.otherChanges).toEqual([]);
    expect(isEmptyDiff(diff)).toBe(false);
    const text = renderDiffText(diff);
    expect(text).toContain('New failures (1)');
    expect(text).toContain(caseId);
    expect(text).not.toContain('Fixes');
  });

  it('names the one case that failed and now passes as a fix, and only it', () => {
    const { head, caseId, target } = flip(base, 'FAIL', 'PASS');
    const diff = diffReports(base, head);
    expect(diff.fixes.map((c) => [c.caseId, c.target, c.before, c.after])).toEqual([[caseId, target, 'FAIL', 'PASS']]);
    expect(diff.newFailures).toEqual([]);
    expect(diff.otherChanges).toEqual([]);
  });

  it('lists other status changes apart (FAIL -> TIMEOUT, PASS -> SKIP, a result gone)', () => {
    const { head, caseId } = flip(base, 'FAIL', 'TIMEOUT');
    const pass = head.results.find((r) => r.status === 'PASS')!;
    pass.status = 'SKIP';
    const gone = head.results.pop()!;
    const diff = diffReports(base, head);
    expect(diff.newFailures).toEqual([]);
    expect(diff.fixes).toEqual([]);
    expect(diff.otherChanges.map((c) => [c.caseId, c.after])).toEqual(expect.arrayContaining([[caseId, 'TIMEOUT'], [pass.caseId, 'SKIP'], [gone.caseId, null]]));
    expect(diff.otherChanges).toHaveLength(3);
  });

  it('lists new and removed cases and targets, and version and settings changes', () => {
    const head = structuredClone(base);
    const removedCase = head.cases.shift()!;
    head.results = head.results.filter((r) => r.caseId !== removedCase.id);
    head.cases.push({ ...head.cases[0], id: 'errors/throw/brand-new' });
    const removedTarget = head.targets.pop()!;
    head.results = head.results.filter((r) => r.target !== removedTarget.name);
    head.targets.push({ ...head.targets[0], name: 'deno-canary' });
    head.targets[0] = { ...head.targets[0], version: '99.0.0', settings: { compatibilityDate: '2026-01-01' } };
    const diff = diffReports(base, head);
    expect(diff.newCases).toEqual(['errors/throw/brand-new']);
    expect(diff.removedCases).toEqual([removedCase.id]);
    expect(diff.newTargets).toEqual(['deno-canary']);
    expect(diff.removedTargets).toEqual([removedTarget.name]);
    expect(diff.versionChanges).toEqual([{ target: base.targets[0].name, before: base.targets[0].version, after: '99.0.0' }]);
    expect(diff.settingsChanges).toEqual([{ target: base.targets[0].name, before: {}, after: { compatibilityDate: '2026-01-01' } }]);
    // Cells of new or removed cases and targets are not status changes.
    expect(diff.newFailures.length + diff.fixes.length + diff.otherChanges.length).toBe(0);
    const text = renderDiffText(diff);
    for (const line of ['New cases (1)', 'Removed cases (1)', 'New targets (1)', 'Removed targets (1)', 'version', '99.0.0', 'settings']) {
      expect(text).toContain(line);
    }
  });

  it('keeps control characters out of the terminal text', () => {
    const { head } = flip(base, 'PASS', 'FAIL');
    head.results.find((r) => r.message === 'now FAIL')!.message = `bad ${HOSTILE.control}`;
    const text = renderDiffText(diffReports(base, head));
    expect(text).not.toMatch(/[\u0000-\u0008\u001b]/);
  });
});

describe('renderHtml with a baseline', () => {
  const hostileBase = buildSampleReport({ cases: 30, targets: 3, hostile: true });
  const head = structuredClone(hostileBase);
  // The hostile target (index 1) loses a pass; a new case with a hostile id and title appears.
  const cell = head.results.find((r) => r.target === HOSTILE.target && r.status === 'PASS')!;
  cell.status = 'FAIL';
  cell.message = HOSTILE.error;
  const hostileId = `errors/throw/${HOSTILE.title}`;
  head.cases.push({ ...head.cases[1], id: hostileId, title: HOSTILE.title });
  const html = renderHtml(head, { baseline: hostileBase });
  const markup = html.replace(/<script type="application\/json"[\s\S]*?<\/script>/, '');

  it('draws the diff section at the top, before the scores', () => {
    expect(html).toContain('<section class="diff"');
    expect(html.indexOf('<section class="diff"')).toBeLessThan(html.indexOf('<h2>Scores</h2>'));
    const section = html.slice(html.indexOf('<section class="diff"'), html.indexOf('</section>'));
    expect(section).toContain('New failures');
    expect(section).toContain(escapeHtml(cell.caseId));
    expect(section).toContain(escapeHtml(HOSTILE.target));
    expect(section).toContain(escapeHtml(hostileId));
  });

  it('escapes hostile strings in the section', () => {
    for (const raw of ['<img src=x', '<script>window', 'onerror="window']) expect(markup).not.toContain(raw);
    expect(markup).toContain(escapeHtml(HOSTILE.error));
  });

  it('marks the changed cell, and only it', () => {
    expect(markup.match(/<td class="st [^"]*\bchg\b/g)).toHaveLength(1);
    expect(markup).toMatch(/<td class="st s-FAIL x chg d-new-failure"[^>]*title="FAIL \(expected PASS\) \(was PASS\)"/);
    expect(markup).toContain('<option value="changed">');
  });

  it('says there is no change against itself, and draws nothing without a baseline', () => {
    expect(renderHtml(hostileBase, { baseline: hostileBase })).toContain('No changes');
    expect(renderHtml(hostileBase)).not.toContain('<section class="diff"');
    expect(renderHtml(hostileBase)).not.toContain('value="changed"');
  });
});

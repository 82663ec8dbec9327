/**
 * The "changes since the baseline" section of the HTML report: counts, then the changed cells (new
 * failures first), cases and targets that came or went, and changed versions and settings. Static
 * markup; every string from either report goes through escapeHtml.
 */
import type { CellChange, ReportDiff } from '../../core/report/diff.ts';
import { isEmptyDiff } from '../../core/report/diff.ts';
import { escapeHtml as h } from './escape.ts';

/** Rows listed per kind of change before "and N more". */
const MAX_ROWS = 200;

const status = (s: CellChange['before']) => (s === null ? '<span class="st s-none">none</span>' : `<span class="st s-${s}">${s}</span>`);

function more(total: number): string {
  return total > MAX_ROWS ? `<p class="nb">\u2026and ${total - MAX_ROWS} more</p>` : '';
}

function cellTable(title: string, kind: string, list: CellChange[]): string {
  if (list.length === 0) return '';
  const rows = list.slice(0, MAX_ROWS).map((c) =>
    `<tr><td>${status(c.before)} \u2192 ${status(c.after)}</td><td>${h(c.target)}</td><td class="mono">${h(c.caseId)}</td>` +
    `<td class="dmsg">${h(c.message.slice(0, 300))}</td></tr>`).join('');
  return `<h3 class="d-${kind}">${h(title)} <span class="nb">${list.length}</span></h3>` +
    `<table class="dcells"><thead><tr><th>Status</th><th>Target</th><th>Case</th><th>Message (now)</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>${more(list.length)}`;
}

function nameList(title: string, list: string[]): string {
  if (list.length === 0) return '';
  const items = list.slice(0, MAX_ROWS).map((n) => `<li class="mono">${h(n)}</li>`).join('');
  return `<h3>${h(title)} <span class="nb">${list.length}</span></h3><ul>${items}</ul>${more(list.length)}`;
}

function targetChanges(diff: ReportDiff): string {
  const rows = [
    ...diff.versionChanges.map((v) => `<li>${h(v.target)}: version ${h(v.before)} \u2192 ${h(v.after)}</li>`),
    ...diff.settingsChanges.map((s) => `<li>${h(s.target)}: settings <code>${h(JSON.stringify(s.before))}</code> \u2192 <code>${h(JSON.stringify(s.after))}</code></li>`),
  ];
  return rows.length === 0 ? '' : `<h3>Target changes <span class="nb">${rows.length}</span></h3><ul>${rows.join('')}</ul>`;
}

/** The diff section, drawn at the top of the page when a baseline is given. Pure. */
export function diffSection(diff: ReportDiff): string {
  const since = `Baseline: run of ${diff.base.startedAt} (${diff.base.cases} cases \u00d7 ${diff.base.targets} targets)` +
    `${diff.base.caseSetHash !== diff.head.caseSetHash ? `, case set ${diff.base.caseSetHash.slice(0, 12)} \u2192 ${diff.head.caseSetHash.slice(0, 12)}` : ''}`;
  const head = `<section class="diff" id="diff" aria-label="Changes since the baseline"><h2>Changes since the baseline</h2><p class="meta">${h(since)}</p>`;
  if (isEmptyDiff(diff)) return `${head}<p class="dnone">No changes: every case has the same status on every target.</p></section>`;
  const counts = `<p class="dcounts"><span class="d-new-failure">${diff.newFailures.length} new failure(s)</span> \u00b7 ` +
    `<span class="d-fix">${diff.fixes.length} fix(es)</span> \u00b7 ${diff.otherChanges.length} other change(s) \u00b7 ` +
    `${diff.newCases.length} new / ${diff.removedCases.length} removed case(s) \u00b7 ${diff.newTargets.length} new / ${diff.removedTargets.length} removed target(s)</p>`;
  return head + counts +
    cellTable('New failures', 'new-failure', diff.newFailures) +
    cellTable('Fixes', 'fix', diff.fixes) +
    cellTable('Other status changes', 'other', diff.otherChanges) +
    nameList('New cases', diff.newCases) +
    nameList('Removed cases', diff.removedCases) +
    nameList('New targets', diff.newTargets) +
    nameList('Removed targets', diff.removedTargets) +
    targetChanges(diff) +
    '</section>';
}

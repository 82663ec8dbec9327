/**
 * The "Isolation" panel of the HTML report: per column, verified isolation (warm hosts proven clean
 * between cases) or a fresh host per case, the verdicts warm hosts gave, the cases the scan sent to
 * fresh hosts, the hosts retired and why, and the cases run again alone (reports/isolation.ts).
 * Static markup; every string from the report goes through escapeHtml.
 */
import type { Report } from '../../core/report/report-types.ts';
import { isolationRows, type IsolationRow } from '../isolation.ts';
import { escapeHtml as h } from './escape.ts';

function row(r: IsolationRow): string {
  const proves = r.target.verification?.proves;
  const retired = r.retired === 0 ? '0' : `${r.retired}<div class="nb">${h(r.reasons.join('; '))}</div>`;
  return `<tr><th scope="row">${h(r.target.name)}</th>` +
    `<td${proves ? ` title="${h(`the proof reads: ${proves}`)}"` : ''}>${h(r.mode)}</td>` +
    `<td>${r.warmHosts}</td><td>${r.casesOnWarmHosts}</td><td>${h(r.freshByScan || '\u2014')}</td>` +
    `<td>${retired}</td><td>${r.ranAgainAlone}</td><td>${r.ranAgainForLoad}</td></tr>`;
}

/** The panel, or '' when no column's report says how it was isolated. */
export function isolationSection(report: Report): string {
  const rows = isolationRows(report);
  if (rows.length === 0) return '';
  return `<section class="perf" aria-label="Isolation"><h2>Isolation</h2>` +
    `<p class="nb">How each column kept its cases apart. Verified: cases one at a time on warm hosts that prove, after each case, that what route code can change is as a fresh host has it; a verdict stands only between two proofs, and otherwise the case ran again alone on a fresh host. ` +
    `Routes the scan found doing what a runtime's proof cannot read got a fresh host. Fresh: a host per case. A timeout or a failed stream timing ran again alone at the column's end, and that verdict is the one shown.</p>` +
    `<table class="perf"><thead><tr><th scope="col">Target</th><th scope="col">Isolation</th><th scope="col">Warm hosts</th><th scope="col">Verdicts on warm hosts</th><th scope="col">Fresh hosts by scan</th><th scope="col">Hosts retired</th><th scope="col">Ran again alone</th><th scope="col">Ran again for load</th></tr></thead>` +
    `<tbody>${rows.map(row).join('')}</tbody></table></section>`;
}

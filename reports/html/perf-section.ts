/**
 * The "Cold start and memory" panel of the HTML report: run --perf's figures per target (cold start,
 * time to first byte, memory after start and after the suite), beside the matrix and never part of
 * a verdict. A meter shows each cold start against the slowest (no inline style: the page's CSP allows none), so Node's sits beside the edge
 * runtimes'. Static markup; every string from the report goes through escapeHtml.
 */
import type { Report, TargetRun } from '../../core/report/report-types.ts';
import { escapeHtml as h } from './escape.ts';

const mb = (bytes: number | undefined) => (bytes === undefined ? '\u2014' : `${(bytes / 1048576).toFixed(1)} MB`);
const ms = (value: number | undefined) => (value === undefined ? '\u2014' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`);

function row(t: TargetRun, slowest: number): string {
  const p = t.perf!;
  const runs = p.coldStartRunsMs.length ? `starts: ${p.coldStartRunsMs.join(', ')} ms` : 'no start succeeded';
  const notes = p.notes?.length ? `<div class="nb">${h(p.notes.join('; '))}</div>` : '';
  return `<tr><th scope="row">${h(t.name)}<div class="nb">${h(t.runtime)} ${h(t.version)}</div></th>` +
    `<td title="${h(runs)}"><meter min="0" max="${slowest}" value="${p.coldStartMs ?? 0}"></meter>${ms(p.coldStartMs)}<div class="nb">median of ${p.coldStartRunsMs.length}/${p.starts}</div></td>` +
    `<td>${ms(p.ttfbMs)}<div class="nb">median of ${p.ttfbRequests}</div></td>` +
    `<td>${mb(p.rssAfterStartBytes)}</td>` +
    `<td>${mb(p.rssAfterSuiteBytes)}${p.rssAfterSuiteReadings ? `<div class="nb">largest of ${p.rssAfterSuiteReadings}</div>` : ''}${notes}</td></tr>`;
}

/** The panel, or '' when the run was not made with --perf. */
export function perfSection(report: Report): string {
  const measured = report.targets.filter((t) => t.perf);
  if (measured.length === 0) return '';
  const slowest = Math.max(0, ...measured.map((t) => t.perf!.coldStartMs ?? 0));
  return `<section class="perf" aria-label="Cold start and memory"><h2>Cold start and memory</h2>` +
    `<p class="nb">Figures beside the matrix, not verdicts (run --perf). Cold start: from asking the target to start to the end of the first response of one route, median of fresh starts. ` +
    `Time to first byte: a warm request to that route. Memory: resident size of the target's processes after the first response, and the largest once a batch of the suite had run.</p>` +
    `<table class="perf"><thead><tr><th scope="col">Target</th><th scope="col">Cold start</th><th scope="col">Time to first byte</th><th scope="col">Memory after start</th><th scope="col">Memory after the suite</th></tr></thead>` +
    `<tbody>${measured.map((t) => row(t, slowest)).join('')}</tbody></table></section>`;
}

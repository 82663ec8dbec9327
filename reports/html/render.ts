/**
 * renderHtml: the compatibility matrix as ONE self-contained HTML file (inline CSS and JS, no network
 * at view time, works from file://). The table is static markup; the data is embedded once as JSON
 * and the detail panel is built on click. A strict Content-Security-Policy with the hashes of the one
 * inline script and style is the second line of defence behind escaping. Given a baseline report, a
 * "changes since the baseline" section comes first and changed cells are marked in the matrix.
 */
import { createHash } from 'node:crypto';
import { changedCells, diffReports } from '../../core/report/diff.ts';
import type { CaseEntry, Report, Result } from '../../core/report/report-types.ts';
import { STATUSES } from '../../core/types.ts';
import { CLIENT_DETAIL_JS } from './client-detail.ts';
import { CLIENT_TABLE_JS } from './client.ts';
import { escapeHtml as h, jsonForScript } from './escape.ts';
import { diffSection } from './diff-section.ts';
import { perfSection } from './perf-section.ts';
import { isolationSection } from './isolation-section.ts';
import { CSS } from './styles.ts';
import { areasOf, summarize } from '../summary.ts';
import { matrixTable, scoreTable, type DiffMarks } from './table.ts';

/** Options of {@link renderHtml}. */
export interface HtmlOptions {
  /** A previous run to compare with: draws a "changes since the baseline" section and marks changed cells. */
  baseline?: Report;
  /** The page title; defaults to "edgecompat matrix". */
  title?: string;
}

/** What the viewer script reads: the cases, the targets, and grid[case][target] (null: no result). */
export interface EmbeddedData {
  targets: Report['targets'];
  cases: CaseEntry[];
  grid: (Omit<Result, 'caseId' | 'target'> | null)[][];
}

/** The inline viewer script, exactly as it is embedded (its hash goes into the CSP). */
export const CLIENT_JS = `(function () {\n'use strict';\n${CLIENT_DETAIL_JS}\n${CLIENT_TABLE_JS}\n})();\n`;

/** A CSP source expression for an inline script or style. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** results[case][target], in the report's case and target order. */
export function resultGrid(report: Report): (Result | undefined)[][] {
  const caseIndex = new Map(report.cases.map((c, i) => [c.id, i]));
  const targetIndex = new Map(report.targets.map((t, i) => [t.name, i]));
  const grid = report.cases.map(() => new Array<Result | undefined>(report.targets.length).fill(undefined));
  for (const r of report.results) {
    const ci = caseIndex.get(r.caseId);
    const ti = targetIndex.get(r.target);
    if (ci !== undefined && ti !== undefined) grid[ci][ti] = r;
  }
  return grid;
}

function filters(report: Report, withBaseline: boolean): string {
  const areas = areasOf(report).map((a) => `<option value="${h(a)}">${h(a)}</option>`).join('');
  const statuses = STATUSES.map((s) => `<option value="${s}">${s}</option>`).join('');
  return `<div class="filters" role="search">` +
    `<input type="search" id="f-text" placeholder="Filter: id, title, tag, message\u2026" aria-label="Filter by text">` +
    `<select id="f-area" aria-label="Area"><option value="">All areas</option>${areas}</select>` +
    `<select id="f-status" aria-label="Status"><option value="">Any status</option>${statuses}` +
    `<option value="unexpected">Unexpected (\u2260 expected)</option>` +
    `${withBaseline ? '<option value="changed">Changed since the baseline</option>' : ''}</select>` +
    `<label><input type="checkbox" id="f-differ"> Only rows where targets differ</label>` +
    `<span class="count" id="f-count" aria-live="polite"></span></div>`;
}

function legend(): string {
  const items = STATUSES.map((s) => `<span class="st s-${s}">${s}</span>`).join('');
  return `<div class="legend">${items}<span class="st s-FAIL x">unexpected</span><span class="st s-FAIL k">known (expected)</span>` +
    `<span>Score: share of cases passing among those that ran (SKIP left out). Click a cell for its detail.</span></div>`;
}

function meta(report: Report): string {
  const parts = [
    `edgecompat ${report.edgecompatVersion}`,
    `${report.cases.length} cases \u00d7 ${report.targets.length} targets`,
    `${report.startedAt} \u2192 ${report.endedAt}`,
    `cases ${report.caseSetHash.slice(0, 12)}`,
  ];
  if (report.shard) parts.push(`shard ${report.shard}`);
  const warn = report.interrupted ? ' <span class="warn">interrupted: the run was stopped before it finished</span>' : '';
  return `<p class="meta">${h(parts.join(' \u00b7 '))}${warn}</p>`;
}

/** Render a report as one self-contained HTML page. Pure: no I/O. */
export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  // 1. Tally and lay out the grid once; the table and the embedded data share it.
  const summaries = summarize(report);
  const grid = resultGrid(report);
  const data: EmbeddedData = {
    targets: report.targets,
    cases: report.cases,
    grid: grid.map((row) => row.map((r) => (r ? { status: r.status, expected: r.expected, message: r.message, durationMs: r.durationMs, observation: r.observation } : null))),
  };
  // 2. With a baseline: what changed, drawn at the top and marked in the matrix.
  const diff = options.baseline ? diffReports(options.baseline, report) : undefined;
  const marks: DiffMarks | undefined = diff ? { cells: changedCells(diff), newCases: new Set(diff.newCases) } : undefined;
  // 3. The CSP allows exactly this script and this style, nothing from the network, no plugins.
  const csp = [`default-src 'none'`, `script-src ${cspHash(CLIENT_JS)}`, `style-src ${cspHash(CSS)}`, `img-src data:`,
    `base-uri 'none'`, `form-action 'none'`, `object-src 'none'`].join('; ');
  const title = options.title ?? 'edgecompat matrix';
  // 4. Assemble: the CSP meta comes before any script or style.
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${CSS}</style>
</head><body>
<header class="top"><h1>${h(title)}</h1>${meta(report)}</header>
${diff ? diffSection(diff) : ''}
<h2>Scores</h2>
${scoreTable(report, summaries)}
${filters(report, diff !== undefined)}
<h2>Matrix</h2>
${legend()}
<div class="wrap">${matrixTable(report, summaries, grid, marks)}</div>
${isolationSection(report)}
${perfSection(report)}
<aside class="detail" id="detail" hidden aria-label="Result detail"><button type="button" class="close" id="detail-close" aria-label="Close">\u00d7</button><div id="detail-body"></div></aside>
<script type="application/json" id="ec-data">${jsonForScript(data)}</script>
<script>${CLIENT_JS}</script>
</body></html>
`;
}

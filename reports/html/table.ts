/**
 * The static markup of the HTML report: the score table (areas x targets) and the matrix (cases
 * grouped by area and feature x targets). Built once at render time; the viewer script only hides
 * rows and opens details. Every string from the report goes through escapeHtml. Given a baseline's
 * marks, a changed cell gets `chg d-<kind>` and "(was X)" in its tooltip, and a new case a badge.
 */
import { cellKey, type CellChange, type changedCells } from '../../core/report/diff.ts';
import type { CaseEntry, Report, Result, TargetRun } from '../../core/report/report-types.ts';
import { escapeHtml as h, isSafeUrl } from './escape.ts';
import { areasOf, formatScore, score, type Tally, type TargetSummary } from '../summary.ts';

/** Short cell labels, so ten columns fit on a laptop screen. */
const LABEL: Record<string, string> = { PASS: 'PASS', FAIL: 'FAIL', TIMEOUT: 'T/O', CRASH: 'CRASH', ERROR: 'ERR', SKIP: 'SKIP' };

/** A case's area, its features, and their cases in report order (areas and features sorted). */
export interface Group {
  area: string;
  features: { feature: string; cases: number[] }[];
}

/** Group case indexes by area, then feature. */
export function groupCases(report: Report): Group[] {
  return areasOf(report).map((area) => {
    const features = new Map<string, number[]>();
    report.cases.forEach((c, i) => {
      if (c.area !== area) return;
      if (!features.has(c.feature)) features.set(c.feature, []);
      features.get(c.feature)!.push(i);
    });
    const sorted = [...features.keys()].sort();
    return { area, features: sorted.map((feature) => ({ feature, cases: features.get(feature)! })) };
  });
}

/** A score badge: the percentage, coloured by 10% bucket, with passed/total as tooltip. */
function scoreSpan(t: Tally | undefined, tag = 'span', extra = ''): string {
  if (!t) return `<${tag}${extra}></${tag}>`;
  const s = score(t);
  const cls = s === null ? 's-SKIP' : `sc-${Math.floor(s * 10)}`;
  const tip = `${t.passed}/${t.total} passed${t.skipped ? `, ${t.skipped} skipped` : ''}`;
  return `<${tag} class="${cls}${extra}" title="${h(tip)}">${h(formatScore(t))}</${tag}>`;
}

/** The target's settings and flags in one line ("k=v, k=v, --flag"). */
export function settingsLine(settings: Record<string, unknown>, flags: string[]): string {
  const parts = Object.entries(settings).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [...parts, ...flags.filter((f) => !parts.some((p) => p.startsWith(`${f}=`)))].join(', ');
}

/** The score table: one row per area and an overall row, one column per target. */
export function scoreTable(report: Report, summaries: TargetSummary[]): string {
  const head = summaries.map((s) => `<th scope="col" title="${h(s.target.name)}">${h(s.target.name)}</th>`).join('');
  const rows = areasOf(report).map((area) => {
    const cells = summaries.map((s) => scoreSpan(s.byArea.get(area), 'td')).join('');
    return `<tr><th scope="row" class="area">${h(area)}</th>${cells}</tr>`;
  });
  const overall = summaries.map((s) => scoreSpan(s.overall, 'td')).join('');
  return `<table class="scores" aria-label="Scores per area"><thead><tr><th></th>${head}</tr></thead><tbody>${rows.join('')}` +
    `<tr class="overall"><th scope="row" class="area">Overall</th>${overall}</tr></tbody></table>`;
}

const settingValue = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : JSON.stringify(v));

/**
 * The settings that tell a column apart from the other columns of its runtime, one `k=v` each: a
 * setting every column of the runtime shares says nothing, and a runtime with one column shows all of
 * its settings. The header shows these, wrapped; its tooltip has them all.
 */
export function distinguishingSettings(targets: TargetRun[]): string[][] {
  return targets.map((t) => {
    const siblings = targets.filter((o) => o !== t && o.runtime === t.runtime);
    const shared = (k: string) => siblings.length > 0 && siblings.every((o) => JSON.stringify(o.settings[k]) === JSON.stringify(t.settings[k]));
    const own = Object.entries(t.settings).filter(([k]) => !shared(k)).map(([k, v]) => `${k}=${settingValue(v)}`);
    // A column with no setting of its own is the runtime as it comes, beside columns that add some.
    return own.length === 0 && siblings.some((o) => Object.keys(o.settings).length > 0) ? ['defaults'] : own;
  });
}

function headerCell(s: TargetSummary, i: number, own: string[]): string {
  const t = s.target;
  const settings = settingsLine(t.settings, t.flags);
  const tip = [t.name, `${t.runtime} ${t.version}`, settings, t.skipped ? `skipped: ${t.skipped}` : ''].filter(Boolean).join('\n');
  return `<th scope="col" class="tgt${t.skipped ? ' skipped' : ''}" data-t="${i}" title="${h(tip)}">` +
    `<span class="name">${h(t.name).replace(/([+_/.])/g, '$1<wbr>')}</span><span class="rt">${h(t.runtime)} ${h(t.version)}</span>` +
    `<span class="set">${t.skipped ? 'skipped' : own.map((o) => `<span>${h(o).replace(/([=,/])/g, '$1<wbr>')}</span>`).join('') || '\u00a0'}</span>${scoreSpan(s.overall, 'span', ' score')}</th>`;
}

/** What the matrix marks when a baseline is given: changed cells by cellKey, and the new cases. */
export interface DiffMarks {
  cells: ReturnType<typeof changedCells>;
  newCases: Set<string>;
}

/** What a cell shows beside its status: a subtest case's passed/total, or a stub found by a support probe. */
function mark(r: Result): string {
  if (r.subtests) return `<small class="sub">${r.subtests.passed}/${r.subtests.total}</small>`;
  if (r.support === 'stub') return '<small class="stub">stub</small>';
  return '';
}

/** The cell's tooltip words for the same. */
function qualifier(r: Result): string {
  if (r.subtests) return `, ${r.subtests.passed}/${r.subtests.total} subtests passed`;
  return r.support ? `, ${r.support}` : '';
}

function cell(r: Result | undefined, t: number, change?: { kind: string; change: CellChange }): string {
  const chg = change ? ` chg d-${change.kind}` : '';
  const was = change ? ` (was ${change.change.before ?? 'no result'})` : '';
  if (!r) return `<td class="st s-none${chg}" data-t="${t}" title="no result${h(was)}">\u2014</td>`;
  const cls = `st s-${r.status}${r.status !== r.expected ? ' x' : r.status !== 'PASS' ? ' k' : ''}${chg}`;
  const tip = r.status !== r.expected ? `${r.status} (expected ${r.expected})` : r.status;
  return `<td class="${cls}" data-t="${t}" tabindex="0" title="${h(tip + qualifier(r) + was)}">${LABEL[r.status]}${mark(r)}</td>`;
}

function caseRow(report: Report, c: CaseEntry, i: number, row: (Result | undefined)[], marks?: DiffMarks): string {
  const short = c.id.startsWith(`${c.area}/${c.feature}/`) ? c.id.slice(c.area.length + c.feature.length + 2) : c.id;
  const link = isSafeUrl(c.source)
    ? `<a class="src" href="${h(c.source)}" target="_blank" rel="noopener noreferrer" title="${h(c.source)}">src</a>`
    : '<span class="src"></span>';
  const badge = marks?.newCases.has(c.id) ? '<span class="dnew">new</span>' : '';
  const cells = row.map((r, t) => cell(r, t, marks?.cells.get(cellKey(c.id, report.targets[t].name))));
  return `<tr class="case" data-c="${i}"><th scope="row" title="${h(`${c.id}\n${c.title}`)}">${link}` +
    `<span class="id">${h(short)}</span>${badge}<span class="ttl">${h(c.title)}</span></th>${cells.join('')}</tr>`;
}

/**
 * The matrix: a header with each target's run info and score, then area, feature and case rows.
 * With `marks` (a baseline was given), changed cells and new cases are marked.
 */
export function matrixTable(report: Report, summaries: TargetSummary[], grid: (Result | undefined)[][], marks?: DiffMarks): string {
  const n = summaries.length;
  const own = distinguishingSettings(summaries.map((s) => s.target));
  const head = `<thead><tr><th class="corner" scope="col">Case</th>${summaries.map((s, i) => headerCell(s, i, own[i])).join('')}</tr></thead>`;
  const body: string[] = [];
  for (const g of groupCases(report)) {
    const scores = summaries.map((s) => `<td>${scoreSpan(s.byArea.get(g.area))}</td>`).join('');
    body.push(`<tr class="area" data-area="${h(g.area)}"><th scope="rowgroup">${h(g.area)}</th>${scores}</tr>`);
    for (const f of g.features) {
      body.push(`<tr class="feat"><th scope="rowgroup" colspan="${n + 1}">${h(f.feature)} <span class="nb">${f.cases.length}</span></th></tr>`);
      for (const i of f.cases) body.push(caseRow(report, report.cases[i], i, grid[i], marks));
    }
  }
  return `<table class="matrix" id="matrix">${head}<tbody>${body.join('\n')}</tbody></table>`;
}

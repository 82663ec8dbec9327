/**
 * renderMarkdown: a short summary for a GitHub step summary or a PR comment: the targets, a table of
 * areas x targets ("passed/total"), how each column kept its cases apart, then the failing cases
 * (unexpected first, capped) with their messages. Every string from the report is escaped so it shows as text. Pure: no I/O.
 */
import { describeOutcome, gateOutcome } from '../core/judge/gate.ts';
import type { Report } from '../core/report/report-types.ts';
import { areasOf, failures, formatScore, summarize } from './summary.ts';
import { settingsLine } from './html/table.ts';
import { isolationRows } from './isolation.ts';

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
  /** How many failing results to list (default 50); the rest are counted in an "and N more" line. */
  maxFailures?: number;
  /** Longest message shown per failure, in characters (default 300). */
  maxMessage?: number;
}

/**
 * Escape text for a Markdown table cell or inline text: control characters go, newlines become
 * spaces, and the characters Markdown or GitHub's HTML would act on are backslash-escaped or written
 * as entities (`|` included, so a cell never splits).
 */
export function escapeMarkdown(value: unknown, max = Infinity): string {
  let text = String(value ?? '').replace(/\r\n?|\n/g, ' ').replace(/[\u0000-\u001F\u007F\uFFFE\uFFFF]/g, '');
  if (text.length > max) text = `${text.slice(0, max - 1)}\u2026`;
  return text
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]|~]/g, (ch) => `\\${ch}`);
}

function targetsTable(report: Report): string[] {
  const lines = ['| Target | Runtime | Settings | Score | Pass | Fail | Timeout | Crash | Error | Skip |', '|---|---|---|--:|--:|--:|--:|--:|--:|--:|'];
  for (const s of summarize(report)) {
    const t = s.target;
    const c = s.overall.counts;
    const settings = t.skipped ? `skipped: ${t.skipped}` : settingsLine(t.settings, t.flags);
    lines.push(`| **${escapeMarkdown(t.name)}** | ${escapeMarkdown(`${t.runtime} ${t.version}`)} | ${escapeMarkdown(settings, 80)} | ` +
      `${formatScore(s.overall)} | ${c.PASS} | ${c.FAIL} | ${c.TIMEOUT} | ${c.CRASH} | ${c.ERROR} | ${c.SKIP} |`);
  }
  return lines;
}

function areaTable(report: Report): string[] {
  const summaries = summarize(report);
  const lines = [`| Area | ${summaries.map((s) => escapeMarkdown(s.target.name, 40)).join(' | ')} |`, `|---|${summaries.map(() => '--:|').join('')}`];
  for (const area of areasOf(report)) {
    const cells = summaries.map((s) => { const t = s.byArea.get(area)!; return `${t.passed}/${t.total}`; });
    lines.push(`| ${escapeMarkdown(area)} | ${cells.join(' | ')} |`);
  }
  lines.push(`| **Overall** | ${summaries.map((s) => `**${s.overall.passed}/${s.overall.total}**`).join(' | ')} |`);
  return lines;
}

function isolationTable(report: Report): string[] {
  const rows = isolationRows(report);
  if (rows.length === 0) return [];
  const lines = ['### Isolation', '', '| Target | Isolation | Warm hosts | Verdicts on warm hosts | Fresh hosts by scan | Hosts retired | Ran again alone | Ran again for load |', '|---|---|--:|--:|---|---|--:|--:|'];
  for (const r of rows) {
    const retired = r.retired === 0 ? '0' : `${r.retired}: ${r.reasons.join(', ')}`;
    lines.push(`| ${escapeMarkdown(r.target.name, 40)} | ${r.mode} | ${r.warmHosts} | ${r.casesOnWarmHosts} | ${escapeMarkdown(r.freshByScan || '-', 120)} | ${escapeMarkdown(retired, 200)} | ${r.ranAgainAlone} | ${r.ranAgainForLoad} |`);
  }
  return [...lines, ''];
}

/** Render a report as Markdown. Pure: no I/O. */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const max = options.maxFailures ?? 50;
  const maxMessage = options.maxMessage ?? 300;
  const out: string[] = [];
  // 1. Headline and run info.
  out.push(`## edgecompat ${escapeMarkdown(report.edgecompatVersion)}: ${report.cases.length} cases \u00d7 ${report.targets.length} targets`, '');
  const notes = [`${escapeMarkdown(report.startedAt)} \u2192 ${escapeMarkdown(report.endedAt)}`];
  if (report.shard) notes.push(`shard ${escapeMarkdown(report.shard)}`);
  if (report.interrupted) notes.push('**interrupted**: the run was stopped before it finished');
  for (const e of report.internalErrors ?? []) notes.push(`**internal error** in ${escapeMarkdown(e.target)}: its unfinished cases have no result (${escapeMarkdown(e.message.split('\n')[0], 200)})`);
  out.push(notes.join(' \u00b7 '), '');
  // 2. Targets, then areas x targets.
  out.push(...targetsTable(report), '', '### By area (passed/total; SKIP left out of total)', '', ...areaTable(report), '', ...isolationTable(report));
  // 3. Failing results: unexpected ones first, capped.
  const failing = failures(report);
  const unexpected = failing.filter((f) => f.unexpected);
  const count = (o: string) => unexpected.filter((f) => gateOutcome(f.result) === o).length;
  out.push(`### Not as expected: ${unexpected.length} (${count('regression')} regressions, ${count('unexpected-pass')} unexpected passes, ${count('changed-failure')} changed failures); known failures: ${failing.length - unexpected.length}`, '');
  if (failing.length > 0) {
    out.push('| Case | Target | Status | Expected | Gate | Message |', '|---|---|---|---|---|---|');
    for (const f of failing.slice(0, max)) {
      const r = f.result;
      const status = f.unexpected ? `**${r.status}**` : r.status;
      const gate = f.unexpected ? `**${gateOutcome(r)}**` : 'known';
      out.push(`| ${escapeMarkdown(r.caseId)} | ${escapeMarkdown(r.target, 40)} | ${status} | ${r.expected} | ${gate} | ${escapeMarkdown(r.status === 'PASS' ? describeOutcome(r) : r.message, maxMessage)} |`);
    }
    if (failing.length > max) out.push('', `\u2026and ${failing.length - max} more (see the HTML report).`);
    out.push('');
  }
  return out.join('\n');
}

/**
 * renderTerminal: the end-of-run summary as plain text: per target, counts by status, per area
 * passed/total, and the failing cases with their messages (capped). ANSI colour only when asked;
 * control characters from the report are made visible so a message cannot drive the terminal.
 */
import { describeOutcome } from '../core/judge/gate.ts';
import type { Report } from '../core/report/report-types.ts';
import { STATUSES, type Status } from '../core/types.ts';
import { areasOf, failures, formatScore, summarize } from './summary.ts';

/** Options of {@link renderTerminal}. */
export interface TerminalOptions {
  color: boolean;
  /** Failing results listed per target (default 20). */
  maxFailures?: number;
  /** Longest message shown, in characters (default 160). */
  maxMessage?: number;
}

const SGR: Record<Status | 'dim' | 'bold', string> = {
  PASS: '32', FAIL: '31', TIMEOUT: '33', CRASH: '35', ERROR: '91', SKIP: '90', dim: '2', bold: '1',
};

/** Make a report string safe for a terminal: one line, control characters shown as \xNN, capped. */
export function plain(value: unknown, max = Infinity): string {
  let text = String(value ?? '').replace(/\r\n?|\n/g, ' ');
  text = text.replace(/[\u0000-\u001F\u007F-\u009F]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return text.length > max ? `${text.slice(0, max - 1)}\u2026` : text;
}

/** Render the end-of-run summary. Pure: no I/O. */
export function renderTerminal(report: Report, options: TerminalOptions): string {
  const paint = (style: keyof typeof SGR, text: string) => (options.color ? `\u001b[${SGR[style]}m${text}\u001b[0m` : text);
  const max = options.maxFailures ?? 20;
  const maxMessage = options.maxMessage ?? 160;
  const areas = areasOf(report);
  const width = Math.max(8, ...areas.map((a) => plain(a).length));
  const out: string[] = [];
  for (const s of summarize(report)) {
    const t = s.target;
    // 1. Headline: name, runtime and version, score, counts by status.
    out.push(`${paint('bold', plain(t.name))} ${paint('dim', plain(`${t.runtime} ${t.version}`))}  ${formatScore(s.overall)} ` +
      `(${s.overall.passed}/${s.overall.total})${t.skipped ? paint('SKIP', `  skipped: ${plain(t.skipped)}`) : ''}`);
    out.push(`  ${STATUSES.filter((st) => s.overall.counts[st] > 0).map((st) => paint(st, `${st} ${s.overall.counts[st]}`)).join('  ') || 'no results'}`);
    // 2. Per area.
    for (const area of areas) {
      const a = s.byArea.get(area)!;
      if (a.total + a.skipped === 0) continue;
      const ratio = `${a.passed}/${a.total}`;
      const painted = a.total === 0 ? paint('SKIP', ratio) : a.passed === a.total ? paint('PASS', ratio) : paint('FAIL', ratio);
      out.push(`  ${plain(area).padEnd(width)}  ${painted}${a.skipped ? paint('dim', ` (${a.skipped} skipped)`) : ''}`);
    }
    // 3. Failing cases, unexpected first.
    const failing = failures(report, t.name);
    for (const f of failing.slice(0, max)) {
      const r = f.result;
      const mark = f.unexpected ? '!' : ' ';
      out.push(`  ${mark} ${paint(r.status, r.status.padEnd(7))} ${plain(r.caseId)}${f.unexpected ? paint('FAIL', ` (${describeOutcome(r).split(':')[0]})`) : paint('dim', ' (known)')}`);
      if (f.unexpected && r.status === 'PASS') out.push(`            ${paint('dim', plain(describeOutcome(r), maxMessage))}`);
      if (r.message) out.push(`            ${paint('dim', plain(r.message, maxMessage))}`);
    }
    if (failing.length > max) out.push(`    \u2026and ${failing.length - max} more`);
    out.push('');
  }
  if (report.interrupted) out.push(paint('FAIL', 'interrupted: the run was stopped before it finished'));
  for (const e of report.internalErrors ?? []) out.push(paint('ERROR', `internal error in ${plain(e.target)}: its unfinished cases have no result (${plain(e.message.split('\n')[0], 200)})`));
  return out.join('\n');
}

/**
 * renderDiffText: what changed between two runs, for a terminal: new failures first (they gate CI),
 * then fixes, other status changes, cases and targets that came or went, and changed versions and
 * settings. ANSI colour only when asked; report strings pass through `plain`, so a message cannot
 * drive the terminal.
 */
import type { CellChange, ReportDiff } from '../core/report/diff.ts';
import { isEmptyDiff } from '../core/report/diff.ts';
import { plain } from './terminal.ts';

/** Options of {@link renderDiffText}. */
export interface DiffTextOptions {
  color?: boolean;
  /** Cells listed per section (default 50). */
  maxCells?: number;
  /** Longest message shown, in characters (default 160). */
  maxMessage?: number;
}

const SGR = { red: '31', green: '32', yellow: '33', dim: '2', bold: '1' } as const;

/** Render a diff as plain text, ending with a newline. Pure: no I/O. */
export function renderDiffText(diff: ReportDiff, options: DiffTextOptions = {}): string {
  const paint = (style: keyof typeof SGR, text: string) => (options.color ? `\u001b[${SGR[style]}m${text}\u001b[0m` : text);
  const maxCells = options.maxCells ?? 50;
  const maxMessage = options.maxMessage ?? 160;
  const out: string[] = [];
  // 1. Which runs: base -> head.
  const run = (r: ReportDiff['base']) => `${plain(r.startedAt)} (${r.cases} cases x ${r.targets} targets)`;
  out.push(`${paint('bold', 'edgecompat diff')}: base ${run(diff.base)} -> head ${run(diff.head)}`);
  if (diff.base.caseSetHash !== diff.head.caseSetHash) {
    out.push(paint('dim', `case set changed: ${plain(diff.base.caseSetHash)} -> ${plain(diff.head.caseSetHash)}`));
  }
  if (isEmptyDiff(diff)) {
    out.push('No changes: every case has the same status on every target, and no case or target came or went.');
    return `${out.join('\n')}\n`;
  }
  out.push(`${diff.newFailures.length} new failure(s), ${diff.fixes.length} fix(es), ${diff.otherChanges.length} other change(s)`);

  // 2. Cells, one section per kind.
  const status = (s: CellChange['before']) => s ?? 'no result';
  const cells = (title: string, list: CellChange[], style: keyof typeof SGR, withMessage: boolean) => {
    if (list.length === 0) return;
    out.push('', paint(style, `${title} (${list.length}):`));
    for (const c of list.slice(0, maxCells)) {
      out.push(`  ${status(c.before)} -> ${paint(style, status(c.after))}  ${plain(c.target)}  ${plain(c.caseId)}` +
        `${c.after !== null && c.after === c.expected && c.after !== 'PASS' ? paint('dim', ' (expected)') : ''}`);
      if (withMessage && c.message) out.push(`      ${paint('dim', plain(c.message, maxMessage))}`);
    }
    if (list.length > maxCells) out.push(`  \u2026and ${list.length - maxCells} more`);
  };
  cells('New failures', diff.newFailures, 'red', true);
  cells('Fixes', diff.fixes, 'green', false);
  cells('Other status changes', diff.otherChanges, 'yellow', true);

  // 3. Cases and targets that came or went.
  const names = (title: string, list: string[]) => {
    if (list.length === 0) return;
    out.push('', `${title} (${list.length}):`);
    for (const name of list.slice(0, maxCells)) out.push(`  ${plain(name)}`);
    if (list.length > maxCells) out.push(`  \u2026and ${list.length - maxCells} more`);
  };
  names('New cases', diff.newCases);
  names('Removed cases', diff.removedCases);
  names('New targets', diff.newTargets);
  names('Removed targets', diff.removedTargets);

  // 4. Columns whose runtime changed under them.
  if (diff.versionChanges.length + diff.settingsChanges.length > 0) {
    out.push('', 'Target changes:');
    for (const v of diff.versionChanges) out.push(`  ${plain(v.target)}  version ${plain(v.before)} -> ${plain(v.after)}`);
    for (const s of diff.settingsChanges) {
      out.push(`  ${plain(s.target)}  settings ${plain(JSON.stringify(s.before), maxMessage)} -> ${plain(JSON.stringify(s.after), maxMessage)}`);
    }
  }
  return `${out.join('\n')}\n`;
}

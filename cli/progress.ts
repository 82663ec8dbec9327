/**
 * Progress while a run goes, on stderr. On a TTY: one line, redrawn in place (results so far, the
 * column or case at hand, the latest word from a runner). Otherwise plain lines, few of them: one
 * per column as it starts and as it ends (with its counts), and one per result that is not as
 * expected. Runners' diagnostics are lines of their own only with --verbose.
 */
import type { Result, TargetRun } from '../core/report/report-types.ts';
import type { Status } from '../core/types.ts';
import { isUnexpected } from './exit-codes.ts';

/** Receives run events and shows them. */
export interface Progress {
  targetStarted(name: string): void;
  targetEnded(run: TargetRun): void;
  result(result: Result): void;
  /** A runner's diagnostic: a line of its own with `verbose`, else (on a TTY) the progress line's tail. */
  note(message: string): void;
  done(): void;
}

/** Progress for a run of `total` results. */
export function createProgress(total: number, options: { verbose?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  let finished = 0;
  let failed = 0;
  const tty = Boolean(stream.isTTY);
  const started = new Map<string, number>();
  const counts = new Map<string, Map<Status, number>>();
  let drawn = false;
  const draw = (last: string) => {
    const line = `[${finished}/${total}] ${failed} not as expected · ${last}`;
    stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 100) - 1)}`);
    drawn = true;
  };
  /** A line of its own; on a TTY, the progress line is drawn again below it. */
  const line = (text: string) => {
    if (tty && drawn) stream.write('\r\x1b[2K');
    stream.write(`${text}\n`);
    if (tty) draw(text.split('\n')[0]);
  };
  return {
    targetStarted(name) {
      started.set(name, Date.now());
      if (tty) draw(`starting ${name}`);
      else stream.write(`starting ${name}\n`);
    },
    targetEnded(run) {
      const byStatus = counts.get(run.name) ?? new Map<Status, number>();
      const tally = [...byStatus].map(([status, n]) => `${n} ${status}`).join(', ') || 'no results';
      const seconds = ((Date.now() - (started.get(run.name) ?? Date.now())) / 1000).toFixed(1);
      const text = `${run.name}: ${tally} in ${seconds} s${run.skipped ? ` (${run.skipped})` : ''}`;
      if (tty) draw(text);
      else stream.write(`${text}\n`);
    },
    result(result) {
      finished++;
      const byStatus = counts.get(result.target) ?? new Map<Status, number>();
      byStatus.set(result.status, (byStatus.get(result.status) ?? 0) + 1);
      counts.set(result.target, byStatus);
      const asExpected = !isUnexpected(result);
      if (!asExpected) failed++;
      if (tty) draw(`${result.target} ${result.caseId}`);
      else if (!asExpected) stream.write(`${result.status} ${result.target} ${result.caseId}: ${result.message.slice(0, 300)}\n`);
    },
    note(message) {
      if (options.verbose) line(message);
      else if (tty) draw(message);
    },
    done() {
      if (tty) stream.write('\r\x1b[2K');
    },
  };
}

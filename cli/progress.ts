/**
 * Progress while a run goes: one line redrawn in place on a TTY, plain lines otherwise (one per
 * result that is not as expected, and one per column as it starts). Written to stderr.
 */
import type { Result } from '../core/report/report-types.ts';
import { isUnexpected } from './exit-codes.ts';

/** Receives run events and shows them. */
export interface Progress {
  targetStarted(name: string): void;
  result(result: Result): void;
  done(): void;
}

/** Progress for a run of `total` results. */
export function createProgress(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  let finished = 0;
  let failed = 0;
  const tty = Boolean(stream.isTTY);
  const draw = (last: string) => {
    const line = `[${finished}/${total}] ${failed} not as expected · ${last}`;
    stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 100) - 1)}`);
  };
  return {
    targetStarted(name) {
      if (tty) draw(`starting ${name}`);
      else stream.write(`starting ${name}\n`);
    },
    result(result) {
      finished++;
      const asExpected = !isUnexpected(result);
      if (!asExpected) failed++;
      if (tty) draw(`${result.target} ${result.caseId}`);
      else if (!asExpected) stream.write(`${result.status} ${result.target} ${result.caseId}: ${result.message.slice(0, 300)}\n`);
    },
    done() {
      if (tty) stream.write('\r\x1b[2K');
    },
  };
}

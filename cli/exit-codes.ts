/** The CLI's exit codes. */
import { gateOutcome } from '../core/judge/gate.ts';
import type { Result } from '../core/report/report-types.ts';

/** Every case was as expected (or skipped). */
export const EXIT_OK = 0;
/** Some case was not as expected. */
export const EXIT_FAILED = 1;
/** Bad usage or invalid input (case files, options); nothing ran. */
export const EXIT_USAGE = 2;
/** edgecompat itself failed (a bug, or the report could not be written). */
export const EXIT_INTERNAL = 3;
/** The run was interrupted (Ctrl-C); what finished is on disk. */
export const EXIT_INTERRUPTED = 130;

/** True when a result should fail a CI gate: neither its expected status nor a skip. */
export function isUnexpected(result: Result): boolean {
  return gateOutcome(result) !== 'as-expected';
}

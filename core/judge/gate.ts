/**
 * What a result means to a CI gate, from its status and the status the expectations file gives it:
 * as expected, a regression (expected to pass, did not), an unexpected pass (a known failure that
 * now passes: the expectations file is out of date) or a changed failure (known to fail one way,
 * failed another). A SKIP is never held against a run. Pure; every renderer names results with it.
 */
import type { GateOutcome, Result } from '../report/report-types.ts';

/** The result with its `gate` field set when it fails the gate, and without one otherwise. */
export function withGate<R extends Pick<Result, 'status' | 'expected'> & { gate?: unknown }>(result: R): R {
  const { gate: _old, ...rest } = result;
  const outcome = gateOutcome(result);
  return (outcome === 'as-expected' ? rest : { ...rest, gate: outcome }) as R;
}


/** Classifies one result. */
export function gateOutcome(result: Pick<Result, 'status' | 'expected'>): GateOutcome {
  if (result.status === result.expected || result.status === 'SKIP') return 'as-expected';
  if (result.expected === 'PASS') return 'regression';
  if (result.status === 'PASS') return 'unexpected-pass';
  return 'changed-failure';
}

/** The words for an outcome, as the terminal, Markdown and JUnit say it. */
export function describeOutcome(result: Pick<Result, 'status' | 'expected'>): string {
  switch (gateOutcome(result)) {
    case 'regression':
      return `regression: expected PASS, got ${result.status}`;
    case 'unexpected-pass':
      return `unexpected pass: the expectations file says ${result.expected}; a known failure now passes, so update the file`;
    case 'changed-failure':
      return `changed: the expectations file says ${result.expected}, got ${result.status}`;
    default:
      return result.status === 'PASS' || result.status === 'SKIP' ? 'as expected' : `as expected (a known ${result.status})`;
  }
}

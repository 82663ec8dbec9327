/**
 * Subtests: a case whose route runs a whole file of vectors (WPT's URL data ...) and answers with a
 * subtest report, so one cell shows passed/total and lists the failing vectors. The report is the
 * route's JSON body:
 *
 * ```json
 * { "subtests": { "total": 891, "passed": 889,
 *   "failures": [{ "name": "<vector>", "expected": ..., "seen": ... }] } }
 * ```
 * The judge reads it with parseSubtestReport and tallies it against the known-failing vectors of an
 * expectations file with tallySubtests. Pure functions, no I/O.
 */
import type { SubtestFailure, SubtestTally } from '../types.ts';

/** What a subtest route answers. */
export interface SubtestReport {
  total: number;
  passed: number;
  failures: Array<{ name: string; expected?: unknown; seen?: unknown }>;
}

/** Reads a subtest report from a response body; a string saying what is wrong when it is not one. */
export function parseSubtestReport(body: string | undefined): SubtestReport | string {
  if (body === undefined) return 'no body, or a body too long to judge';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `a body that is not JSON: ${JSON.stringify(body.slice(0, 120))}`;
  }
  const report = (parsed as { subtests?: SubtestReport } | null)?.subtests;
  if (!report || typeof report !== 'object' || !Number.isInteger(report.total) || !Number.isInteger(report.passed) || !Array.isArray(report.failures)) {
    return `JSON without a subtests report ({ subtests: { total, passed, failures } }): ${JSON.stringify(body.slice(0, 120))}`;
  }
  if (report.failures.some((f) => typeof f?.name !== 'string')) return 'a subtest failure without a name';
  if (report.passed + report.failures.length !== report.total) {
    return `a subtests report that does not add up: ${report.passed} passed + ${report.failures.length} failed != ${report.total}`;
  }
  return report;
}

/** Tallies a subtest report, marking the failures the expectations list as known. */
export function tallySubtests(report: SubtestReport, knownFailing: readonly string[] = []): SubtestTally {
  const known = new Set(knownFailing);
  const failures: SubtestFailure[] = report.failures.map((f) => ({ ...f, ...(known.has(f.name) ? { known: true } : {}) }));
  const failing = new Set(report.failures.map((f) => f.name));
  const nowPassing = knownFailing.filter((name) => !failing.has(name));
  return { passed: report.passed, total: report.total, failures, ...(nowPassing.length > 0 ? { nowPassing } : {}) };
}

/** True when every failing subtest is a known one (and at least one fails). */
export function onlyKnownFailures(tally: SubtestTally): boolean {
  return tally.failures.length > 0 && tally.failures.every((f) => f.known);
}

/** A failure on one line: its name, then expected versus seen. */
export function describeSubtestFailure(f: SubtestFailure): string {
  const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? 'undefined');
  return `${f.name}: expected ${show(f.expected)}, saw ${show(f.seen)}${f.known ? ' (known)' : ''}`;
}

/**
 * Tallies shared by the renderers (HTML scores, Markdown and terminal summaries): counts by status
 * per target and per area, scores, and the list of failing results. Pure functions of a Report.
 */
import { gateOutcome } from '../core/judge/gate.ts';
import type { CaseEntry, Report, Result, TargetRun } from '../core/report/report-types.ts';
import { STATUSES, type Status } from '../core/types.ts';

/** Counts of one slice of results (a target, or a target's area). */
export interface Tally {
  counts: Record<Status, number>;
  passed: number;
  /** Results that ran: every result but SKIP. The score's denominator. */
  total: number;
  skipped: number;
}

/** One target's tallies, overall and per area. */
export interface TargetSummary {
  target: TargetRun;
  overall: Tally;
  byArea: Map<string, Tally>;
}

/** A result that did not pass, with its case. */
export interface Failure {
  result: Result;
  case: CaseEntry | undefined;
  /** The status differs from the expectations file: a regression (or a fix) rather than a known failure. */
  unexpected: boolean;
}

/** An empty tally. */
export function emptyTally(): Tally {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  return { counts, passed: 0, total: 0, skipped: 0 };
}

/** Add one status to a tally. */
export function addToTally(tally: Tally, status: Status): void {
  tally.counts[status] += 1;
  if (status === 'SKIP') tally.skipped += 1;
  else tally.total += 1;
  if (status === 'PASS') tally.passed += 1;
}

/** Share of cases passing among those that ran (SKIP left out), in [0, 1]; null when none ran. */
export function score(tally: Tally): number | null {
  return tally.total === 0 ? null : tally.passed / tally.total;
}

/** A score as a percentage with one decimal ("87.5%"), or "n/a". */
export function formatScore(tally: Tally): string {
  const s = score(tally);
  return s === null ? 'n/a' : `${(Math.floor(s * 1000) / 10).toFixed(1)}%`;
}

/** The report's areas, sorted. */
export function areasOf(report: Report): string[] {
  return [...new Set(report.cases.map((c) => c.area))].sort();
}

/** Per target: tallies overall and per area (every area of the report is present). */
export function summarize(report: Report): TargetSummary[] {
  const areaOf = new Map(report.cases.map((c) => [c.id, c.area]));
  const areas = areasOf(report);
  const byName = new Map<string, TargetSummary>();
  for (const target of report.targets) {
    byName.set(target.name, { target, overall: emptyTally(), byArea: new Map(areas.map((a) => [a, emptyTally()])) });
  }
  for (const r of report.results) {
    const summary = byName.get(r.target);
    const area = areaOf.get(r.caseId);
    if (!summary || area === undefined) continue;
    addToTally(summary.overall, r.status);
    addToTally(summary.byArea.get(area)!, r.status);
  }
  return [...byName.values()];
}

/**
 * Results that are neither PASS nor SKIP, and passes the expectations did not expect (a known failure
 * that now passes fails the gate too): unexpected ones first, then in report order.
 */
export function failures(report: Report, targetName?: string): Failure[] {
  const caseById = new Map(report.cases.map((c) => [c.id, c]));
  const list = report.results
    .filter((r) => (r.status !== 'PASS' || gateOutcome(r) === 'unexpected-pass') && r.status !== 'SKIP' && (targetName === undefined || r.target === targetName))
    .map((result) => ({ result, case: caseById.get(result.caseId), unexpected: gateOutcome(result) !== 'as-expected' }));
  return [...list.filter((f) => f.unexpected), ...list.filter((f) => !f.unexpected)];
}


/**
 * What changed between two runs: per case x target, new failures (PASS -> not PASS), fixes (not
 * PASS -> PASS) and other status changes; cases and targets that came or went; and, per target that
 * is in both, a changed version or settings. Pure: no I/O. SKIP is neither a pass nor a failure
 * here (as in the exit code), so PASS <-> SKIP is an "other" change, never a new failure or a fix.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Report, Result, TargetRun } from './report-types.ts';
import type { Status } from '../types.ts';

/** One cell whose status differs between the two runs (null: no result for that cell). */
export interface CellChange {
  caseId: string;
  target: string;
  before: Status | null;
  after: Status | null;
  /** The expected status in the head run (or the base run when the head has no result). */
  expected: Status;
  /** The head run's message (or the base run's when the head has no result). */
  message: string;
}

/** A target in both runs whose version or settings changed. */
export interface TargetChange<T> {
  target: string;
  before: T;
  after: T;
}

/** One run, as the diff describes it. */
export interface RunInfo {
  startedAt: string;
  endedAt: string;
  caseSetHash: string;
  cases: number;
  targets: number;
}

/** Everything that differs between a base and a head report. */
export interface ReportDiff {
  base: RunInfo;
  head: RunInfo;
  /** PASS in the base, FAIL, TIMEOUT, CRASH or ERROR in the head. */
  newFailures: CellChange[];
  /** FAIL, TIMEOUT, CRASH or ERROR in the base, PASS in the head. */
  fixes: CellChange[];
  /** Any other change of status (FAIL -> TIMEOUT, PASS -> SKIP, a result that appeared or went). */
  otherChanges: CellChange[];
  newCases: string[];
  removedCases: string[];
  newTargets: string[];
  removedTargets: string[];
  versionChanges: TargetChange<string>[];
  settingsChanges: TargetChange<Record<string, unknown>>[];
}

/** The key of one case x target cell (as {@link changedCells} uses it). */
export const cellKey = (caseId: string, target: string): string => JSON.stringify([caseId, target]);

const isFailure = (s: Status | null) => s !== null && s !== 'PASS' && s !== 'SKIP';

function runInfo(report: Report): RunInfo {
  const { startedAt, endedAt, caseSetHash } = report;
  return { startedAt, endedAt, caseSetHash, cases: report.cases.length, targets: report.targets.length };
}

function cellMap(report: Report): Map<string, Result> {
  return new Map(report.results.map((r) => [cellKey(r.caseId, r.target), r]));
}

/** Compares two reports; cells are listed in the head's case order (then the base's), by target. */
export function diffReports(base: Report, head: Report): ReportDiff {
  // 1. Cases and targets that came or went.
  const baseCases = new Set(base.cases.map((c) => c.id));
  const headCases = new Set(head.cases.map((c) => c.id));
  const baseTargets = new Map(base.targets.map((t) => [t.name, t]));
  const headTargets = new Map(head.targets.map((t) => [t.name, t]));
  const diff: ReportDiff = {
    base: runInfo(base),
    head: runInfo(head),
    newFailures: [],
    fixes: [],
    otherChanges: [],
    newCases: head.cases.filter((c) => !baseCases.has(c.id)).map((c) => c.id),
    removedCases: base.cases.filter((c) => !headCases.has(c.id)).map((c) => c.id),
    newTargets: head.targets.filter((t) => !baseTargets.has(t.name)).map((t) => t.name),
    removedTargets: base.targets.filter((t) => !headTargets.has(t.name)).map((t) => t.name),
    versionChanges: [],
    settingsChanges: [],
  };

  // 2. Columns in both runs: version and settings.
  const shared: TargetRun[] = head.targets.filter((t) => baseTargets.has(t.name));
  for (const after of shared) {
    const before = baseTargets.get(after.name)!;
    if (before.version !== after.version) diff.versionChanges.push({ target: after.name, before: before.version, after: after.version });
    if (!isDeepStrictEqual(before.settings, after.settings)) diff.settingsChanges.push({ target: after.name, before: before.settings, after: after.settings });
  }

  // 3. Cells of cases and columns in both runs, classified by how the status moved.
  const baseCells = cellMap(base);
  const headCells = cellMap(head);
  for (const c of head.cases.filter((hc) => baseCases.has(hc.id))) {
    for (const t of shared) {
      const key = cellKey(c.id, t.name);
      const was = baseCells.get(key);
      const now = headCells.get(key);
      const before = was?.status ?? null;
      const after = now?.status ?? null;
      if (before === after) continue;
      const shown = (now ?? was)!;
      const change: CellChange = { caseId: c.id, target: t.name, before, after, expected: shown.expected, message: shown.message };
      if (before === 'PASS' && isFailure(after)) diff.newFailures.push(change);
      else if (isFailure(before) && after === 'PASS') diff.fixes.push(change);
      else diff.otherChanges.push(change);
    }
  }
  return diff;
}

/** True when the two runs differ in nothing the diff looks at. */
export function isEmptyDiff(diff: ReportDiff): boolean {
  return diff.newFailures.length + diff.fixes.length + diff.otherChanges.length + diff.newCases.length + diff.removedCases.length +
    diff.newTargets.length + diff.removedTargets.length + diff.versionChanges.length + diff.settingsChanges.length === 0;
}

/** Every changed cell by {@link cellKey}, with its kind: for marking cells in a matrix. */
export function changedCells(diff: ReportDiff): Map<string, { kind: 'new-failure' | 'fix' | 'other'; change: CellChange }> {
  const map = new Map<string, { kind: 'new-failure' | 'fix' | 'other'; change: CellChange }>();
  for (const change of diff.newFailures) map.set(cellKey(change.caseId, change.target), { kind: 'new-failure', change });
  for (const change of diff.fixes) map.set(cellKey(change.caseId, change.target), { kind: 'fix', change });
  for (const change of diff.otherChanges) map.set(cellKey(change.caseId, change.target), { kind: 'other', change });
  return map;
}

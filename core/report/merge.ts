/**
 * Merging reports: shards of one run (same columns, disjoint case slices) and runs of other columns
 * made on other machines become one report. Only reports of the same case set merge; a column or a
 * cell that two inputs describe differently is refused, never silently picked. Pure: no I/O.
 */
import { isDeepStrictEqual } from 'node:util';
import { InputError, type Problem } from '../../schemas/input-error.ts';
import { REPORT_SCHEMA_VERSION, type CaseEntry, type Report, type Result, type TargetRun } from './report-types.ts';

/** Options of {@link mergeReports}. */
export interface MergeOptions {
  /** A name per input (its file), used in errors; defaults to "input 1", "input 2", ... */
  sources?: string[];
}

/** What makes a column: two inputs that disagree on one of these describe two different columns. */
const COLUMN_IDENTITY = ['runtime', 'version', 'settings', 'flags'] as const;

const earliest = (a: string, b: string) => (Date.parse(b) < Date.parse(a) ? b : a);
const latest = (a: string, b: string) => (Date.parse(b) > Date.parse(a) ? b : a);
const show = (value: unknown) => (typeof value === 'string' ? `"${value}"` : JSON.stringify(value));

/**
 * Merges reports into one: cases are the union by id, columns the union by name (earliest start,
 * latest end), results the union by (case, column). The merged report has no `shard`; it is
 * `interrupted` when any input was. Cases, columns and results are ordered by first appearance.
 * Throws InputError (exit 2) for mixed case sets, a column or case described differently, or a
 * cell with two different results.
 */
export function mergeReports(reports: Report[], options: MergeOptions = {}): Report {
  const source = (i: number) => options.sources?.[i] ?? `input ${i + 1}`;
  if (reports.length === 0) throw new InputError([{ file: 'merge', message: 'no reports to merge' }]);

  // 1. One case set only: results of different case sets are not comparable.
  const hashes = new Set(reports.map((r) => r.caseSetHash));
  if (hashes.size > 1) {
    throw new InputError(reports.map((r, i) => ({
      file: source(i),
      path: '/caseSetHash',
      message: `case set ${r.caseSetHash}; the inputs were made from ${hashes.size} different case sets and cannot be merged`,
    })));
  }

  const problems: Problem[] = [];
  // 2. Cases: the union by id; the same id must carry the same entry.
  const cases = new Map<string, { entry: CaseEntry; from: number }>();
  reports.forEach((report, i) => report.cases.forEach((entry) => {
    const seen = cases.get(entry.id);
    if (!seen) cases.set(entry.id, { entry, from: i });
    else if (!isDeepStrictEqual(seen.entry, entry)) {
      problems.push({ file: source(i), path: '/cases', message: `case "${entry.id}" differs from the one in ${source(seen.from)}` });
    }
  }));

  // 3. Columns: the union by name; the same name must be the same runtime, version and settings.
  const targets = new Map<string, { target: TargetRun; from: number }>();
  reports.forEach((report, i) => report.targets.forEach((target) => {
    const seen = targets.get(target.name);
    if (!seen) {
      targets.set(target.name, { target: { ...target }, from: i });
      return;
    }
    const differs = COLUMN_IDENTITY.filter((key) => !isDeepStrictEqual(seen.target[key], target[key]));
    if (differs.length > 0) {
      const what = differs.map((key) => `${key} ${show(seen.target[key])} in ${source(seen.from)}, ${show(target[key])} here`).join('; ');
      problems.push({ file: source(i), path: '/targets', message: `target "${target.name}" is two different columns: ${what}` });
      return;
    }
    seen.target.startedAt = earliest(seen.target.startedAt, target.startedAt);
    seen.target.endedAt = latest(seen.target.endedAt, target.endedAt);
  }));

  // 4. Results: the union by cell; a cell in two inputs must be the same result.
  const cells = new Map<string, { result: Result; from: number }>();
  reports.forEach((report, i) => report.results.forEach((result) => {
    const key = JSON.stringify([result.caseId, result.target]);
    const seen = cells.get(key);
    if (!seen) cells.set(key, { result, from: i });
    else if (!isDeepStrictEqual(seen.result, result)) {
      problems.push({
        file: source(i),
        path: '/results',
        message: `the cell "${result.caseId}" x "${result.target}" is ${result.status} here and ${seen.result.status} in ${source(seen.from)}` +
          `${result.status === seen.result.status ? ' (with different details)' : ''}; one cell cannot have two results`,
      });
    }
  }));
  if (problems.length > 0) throw new InputError(problems);

  // 5. Order: cases and columns by first appearance, results by case then column (stable).
  const caseOrder = new Map([...cases.keys()].map((id, i) => [id, i]));
  const targetOrder = new Map([...targets.keys()].map((name, i) => [name, i]));
  const rank = (map: Map<string, number>, key: string) => map.get(key) ?? Number.MAX_SAFE_INTEGER;
  const results = [...cells.values()].map((c) => c.result)
    .sort((a, b) => rank(caseOrder, a.caseId) - rank(caseOrder, b.caseId) || rank(targetOrder, a.target) - rank(targetOrder, b.target));

  // 6. Assemble: run info spans every input; `shard` is dropped.
  const first = reports[0];
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    edgecompatVersion: first.edgecompatVersion,
    caseSetHash: first.caseSetHash,
    startedAt: reports.map((r) => r.startedAt).reduce(earliest),
    endedAt: reports.map((r) => r.endedAt).reduce(latest),
    ...(reports.some((r) => r.interrupted) ? { interrupted: true } : {}),
    ...(reports.some((r) => r.internalErrors) ? { internalErrors: reports.flatMap((r) => r.internalErrors ?? []) } : {}),
    targets: [...targets.values()].map((t) => t.target),
    cases: [...cases.values()].map((c) => c.entry),
    results,
  };
}

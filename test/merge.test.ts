/**
 * mergeReports: shards cut with the planner's own slice function merge back into the unsharded
 * report, runs of other targets become more columns, and anything that would mix two case sets,
 * two columns or two results for one cell is refused with the files named.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../schemas/input-error.ts';
import { mergeReports } from '../core/report/merge.ts';
import { shardCases } from '../core/run/select.ts';
import { assertValidReport } from '../core/report/recorder.ts';
import type { CaseEntry, Report, Result, TargetRun } from '../core/report/report-types.ts';
import type { Case } from '../core/types.ts';
import { buildSampleReport } from '../reports/sample-report.ts';

const whole = buildSampleReport({ cases: 60, targets: 3, skippedTarget: false });

/** Shard i of n of a report, as `run --shard i/n` would have made it, on its own clock. */
function shard(report: Report, index: number, count: number): Report {
  // shardCases reads only `id`, which a CaseEntry has as a Case does.
  const cases = shardCases(report.cases as unknown as Case[], { index, count }) as unknown as CaseEntry[];
  const ids = new Set(cases.map((c) => c.id));
  const at = (s: number) => `2025-11-20T1${index}:00:${String(s).padStart(2, '0')}.000Z`;
  return {
    ...report,
    shard: `${index}/${count}`,
    startedAt: at(0),
    endedAt: at(30),
    targets: report.targets.map((t, k) => ({ ...t, startedAt: at(k), endedAt: at(10 + k) })),
    cases,
    // Results come in completion order in a real run: reverse them to show the merge does not care.
    results: report.results.filter((r) => ids.has(r.caseId)).reverse(),
  };
}

const byCell = (results: Result[]) => new Map(results.map((r) => [`${r.caseId} @ ${r.target}`, r]));
const byId = (cases: CaseEntry[]) => [...cases].sort((a, b) => a.id.localeCompare(b.id));
const untimed = (targets: TargetRun[]) => targets.map(({ startedAt, endedAt, ...rest }) => rest);

describe('mergeReports of shards', () => {
  for (const count of [2, 3]) {
    it(`merges ${count} shards back into the unsharded report, case for case`, () => {
      const shards = Array.from({ length: count }, (_, i) => shard(whole, i + 1, count));
      expect(shards.every((s) => s.cases.length > 0)).toBe(true);
      expect(shards.reduce((n, s) => n + s.cases.length, 0)).toBe(whole.cases.length);
      const merged = mergeReports(shards);
      assertValidReport(merged);
      expect(merged.shard).toBeUndefined();
      expect(byId(merged.cases)).toEqual(byId(whole.cases));
      expect(untimed(merged.targets)).toEqual(untimed(whole.targets));
      expect(byCell(merged.results)).toEqual(byCell(whole.results));
      expect(merged.results).toHaveLength(whole.results.length);
      // Run info spans the shards: the earliest start and the latest end.
      expect(merged.startedAt).toBe('2025-11-20T11:00:00.000Z');
      expect(merged.endedAt).toBe(`2025-11-20T1${count}:00:30.000Z`);
      expect(merged.targets[0].startedAt).toBe('2025-11-20T11:00:00.000Z');
      expect(merged.targets[0].endedAt).toBe(`2025-11-20T1${count}:00:10.000Z`);
    });
  }

  it('orders cases by first appearance and results by case, then target', () => {
    const [a, b] = [shard(whole, 1, 2), shard(whole, 2, 2)];
    const merged = mergeReports([a, b]);
    expect(merged.cases.map((c) => c.id)).toEqual([...a.cases, ...b.cases].map((c) => c.id));
    const expected = merged.cases.flatMap((c) => merged.targets.map((t) => `${c.id} @ ${t.name}`));
    expect(merged.results.map((r) => `${r.caseId} @ ${r.target}`)).toEqual(expected);
  });

  it('accepts the same cell twice when it is identical (a report merged with itself is itself)', () => {
    const merged = mergeReports([whole, whole]);
    expect(merged).toEqual(whole);
  });

  it('is interrupted when any input was', () => {
    const merged = mergeReports([shard(whole, 1, 2), { ...shard(whole, 2, 2), interrupted: true }]);
    expect(merged.interrupted).toBe(true);
  });
});

describe('mergeReports of runs of different targets', () => {
  it('gives both columns', () => {
    const column = (names: string[]): Report => ({
      ...whole,
      targets: whole.targets.filter((t) => names.includes(t.name)),
      results: whole.results.filter((r) => names.includes(r.target)),
    });
    const [first, ...rest] = whole.targets.map((t) => t.name);
    const merged = mergeReports([column([first]), column(rest)]);
    assertValidReport(merged);
    expect(merged.targets.map((t) => t.name)).toEqual(whole.targets.map((t) => t.name));
    expect(merged.cases).toEqual(whole.cases);
    expect(merged.results).toEqual(whole.results);
  });
});

describe('mergeReports refuses', () => {
  const catchError = (fn: () => unknown): InputError => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return error as InputError;
    }
    throw new Error('expected an InputError');
  };

  it('mixed case sets, naming the files and the hashes', () => {
    const other = { ...shard(whole, 2, 2), caseSetHash: 'fedcba9876543210' };
    const error = catchError(() => mergeReports([shard(whole, 1, 2), other], { sources: ['a/report.json', 'b/report.json'] }));
    expect(error.message).toContain('a/report.json');
    expect(error.message).toContain('0123456789abcdef');
    expect(error.message).toContain('b/report.json');
    expect(error.message).toContain('fedcba9876543210');
  });

  it('a target whose version or settings differ between the inputs', () => {
    const b = shard(whole, 2, 2);
    b.targets = b.targets.map((t, i) => (i === 0 ? { ...t, version: '9.9.9' } : i === 1 ? { ...t, settings: { flag: true } } : t));
    const error = catchError(() => mergeReports([shard(whole, 1, 2), b], { sources: ['one.json', 'two.json'] }));
    expect(error.problems).toHaveLength(2);
    expect(error.message).toContain(`target "${whole.targets[0].name}"`);
    expect(error.message).toContain('"9.9.9"');
    expect(error.message).toContain(`target "${whole.targets[1].name}"`);
    expect(error.message).toContain('one.json');
  });

  it('a cell with two different results, naming the cell', () => {
    const changed = structuredClone(whole);
    const cell = changed.results[7];
    cell.status = cell.status === 'PASS' ? 'FAIL' : 'PASS';
    const error = catchError(() => mergeReports([whole, changed]));
    expect(error.problems).toHaveLength(1);
    expect(error.message).toContain(`"${cell.caseId}" x "${cell.target}"`);
  });

  it('the same case id with different entries', () => {
    const changed = structuredClone(whole);
    changed.cases[3].title = 'another title';
    const error = catchError(() => mergeReports([whole, changed]));
    expect(error.message).toContain(`case "${whole.cases[3].id}"`);
  });

  it('nothing to merge', () => {
    catchError(() => mergeReports([]));
  });
});

/**
 * The recorder: appends each result to results.jsonl the moment it is judged (so an interrupted run
 * keeps what finished), then writes the canonical report.json, validated against its schema.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report, Result, TargetRun } from './report-types.ts';
import { validateReport } from './schemas.ts';

/** The files a run writes into its output folder. */
export const RESULTS_FILE = 'results.jsonl';
export const REPORT_FILE = 'report.json';

/** One line of results.jsonl. */
export type JournalLine = { type: 'result'; result: Result } | { type: 'target'; target: TargetRun };

/** Appends results and target runs to the journal, one JSON line each, synchronously. */
export class Recorder {
  readonly journal: string;

  constructor(readonly outDir: string) {
    mkdirSync(outDir, { recursive: true });
    this.journal = join(outDir, RESULTS_FILE);
    writeFileSync(this.journal, '');
  }

  /** Records one judged result. */
  result(result: Result): void {
    this.append({ type: 'result', result });
  }

  /** Records a column's run info once it has ended. */
  target(target: TargetRun): void {
    this.append({ type: 'target', target });
  }

  /** Validates and writes report.json; returns its path. Throws if the report breaks the schema. */
  writeReport(report: Report): string {
    assertValidReport(report);
    const path = join(this.outDir, REPORT_FILE);
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
    return path;
  }

  private append(line: JournalLine): void {
    appendFileSync(this.journal, `${JSON.stringify(line)}\n`);
  }
}

/** Throws an error listing the schema violations, if any. */
export function assertValidReport(report: unknown): asserts report is Report {
  if (!validateReport(report)) {
    const problems = (validateReport.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message}`);
    throw new Error(`the report does not match schemas/report.schema.json:\n${problems.join('\n')}`);
  }
}

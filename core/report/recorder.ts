/**
 * The recorder: appends each result to results.jsonl the moment it is judged (so an interrupted run
 * keeps what finished), then writes the canonical report.json, validated against its schema. A
 * resumed run (`run --resume`) reads that journal back with readJournal and appends to it.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../schemas/input-error.ts';
import { writeJsonFile } from './json-file.ts';
import { REPORT_SCHEMA_VERSION, type Report, type Result, type TargetRun } from './report-types.ts';
import { describeError, specificErrors, validateReport } from '../../schemas/validators.ts';

/** The files a run writes into its output folder. */
export const RESULTS_FILE = 'results.jsonl';
export const REPORT_FILE = 'report.json';

/** One line of results.jsonl. */
export type JournalLine = { type: 'result'; result: Result } | { type: 'target'; target: TargetRun };

/** How a Recorder opens its folder. */
export interface RecorderOptions {
  /**
   * Keep the journal and append to it (run --resume); a last line cut short is dropped first. By
   * default the journal starts empty and a report.json of an earlier run is removed, so the folder
   * never holds a report of another run beside this run's journal.
   */
  append?: boolean;
}

/** Appends results and target runs to the journal, one JSON line each, synchronously. */
export class Recorder {
  readonly journal: string;

  constructor(readonly outDir: string, options: RecorderOptions = {}) {
    mkdirSync(outDir, { recursive: true });
    this.journal = join(outDir, RESULTS_FILE);
    if (options.append && existsSync(this.journal)) {
      // A line the interrupted run did not finish writing would swallow the first line appended.
      const text = readFileSync(this.journal);
      const whole = text.lastIndexOf(0x0a) + 1;
      if (whole < text.length) truncateSync(this.journal, whole);
    } else {
      writeFileSync(this.journal, '');
      rmSync(join(outDir, REPORT_FILE), { force: true });
    }
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
    writeJsonFile(path, report);
    return path;
  }

  private append(line: JournalLine): void {
    appendFileSync(this.journal, `${JSON.stringify(line)}\n`);
  }
}

/** What a journal holds: the results in the order they were judged, and the column runs that ended. */
export interface Journal {
  results: Result[];
  targets: TargetRun[];
}

/**
 * Reads a results.jsonl back. A last line without its newline (the run was killed while writing it)
 * is ignored; any other line that is not a journal line of the report's schema is an InputError
 * naming the file and the line.
 */
export function readJournal(file: string): Journal {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').slice(0, -1); // what follows the last newline was cut short
  const journal: Journal = { results: [], targets: [] };
  const lineOf: number[] = [];
  const targetLineOf: number[] = [];
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    let line: JournalLine;
    try {
      line = JSON.parse(raw);
    } catch (error) {
      throw new InputError([{ file, line: i + 1, message: `not a JSON line: ${(error as Error).message.split('\n')[0]}` }]);
    }
    if (line?.type === 'result') {
      journal.results.push(line.result);
      lineOf.push(i + 1);
    } else if (line?.type === 'target') {
      journal.targets.push(line.target);
      targetLineOf.push(i + 1);
    } else {
      throw new InputError([{ file, line: i + 1, message: 'not a journal line: expected {"type":"result",...} or {"type":"target",...}' }]);
    }
  });
  // Every result and column run must be what report.json may hold: checked with the report's schema.
  const now = new Date().toISOString();
  const probe = { schemaVersion: REPORT_SCHEMA_VERSION, edgecompatVersion: '0', caseSetHash: '0'.repeat(32), startedAt: now, endedAt: now, targets: journal.targets, cases: [], results: journal.results };
  if (!validateReport(probe)) {
    const problems = specificErrors(validateReport.errors).slice(0, 10).map((e) => {
      const [, list, index, rest] = /^\/(results|targets)\/(\d+)(.*)$/.exec(e.instancePath) ?? [];
      const line = list === 'results' ? lineOf[Number(index)] : list === 'targets' ? targetLineOf[Number(index)] : undefined;
      return { file, ...(line ? { line } : {}), path: list ? `/${list === 'results' ? 'result' : 'target'}${rest}` : e.instancePath || '/', message: describeError(e) };
    });
    throw new InputError(problems);
  }
  return journal;
}

/** Throws an error listing the schema violations, if any. */
export function assertValidReport(report: unknown): asserts report is Report {
  if (!validateReport(report)) {
    const problems = (validateReport.errors ?? []).slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message}`);
    throw new Error(`the report does not match schemas/report.schema.json:\n${problems.join('\n')}`);
  }
}

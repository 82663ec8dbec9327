/**
 * Reading a saved report.json for the commands that work on reports (report, merge, diff): read,
 * parse, validate against schemas/report.schema.json. Every failure is an InputError naming the
 * file (and the JSON path inside it), so the CLI exits 2.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from './input-error.ts';
import { REPORT_FILE } from './recorder.ts';
import { REPORT_SCHEMA_VERSION, type Report } from './report-types.ts';
import { describeError, validateReport } from './schemas.ts';

/** Schema problems listed per file before the rest are summarised. */
const MAX_PROBLEMS = 20;

/** Resolves a path given on the command line: a run's output folder means its report.json. */
export function reportPath(path: string): string {
  try {
    return statSync(path).isDirectory() ? join(path, REPORT_FILE) : path;
  } catch {
    return path;
  }
}

/** Parses and validates the text of a report; `file` names it in errors. */
export function parseReport(text: string, file: string): Report {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError([{ file, message: `not valid JSON: ${(error as Error).message}` }]);
  }
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version !== REPORT_SCHEMA_VERSION) {
    throw new InputError([{ file, path: '/schemaVersion', message: `a report of schema version ${version}; this edgecompat reads version ${REPORT_SCHEMA_VERSION}: run the matrix again with it` }]);
  }
  if (!validateReport(value)) {
    // The schema's own words, one line each: `file /results/3/status: must be equal to one of ...`
    // (the report schema has no oneOf branches, so every error is a real one).
    const errors = validateReport.errors ?? [];
    const problems = errors.slice(0, MAX_PROBLEMS).map((e) => ({ file, path: e.instancePath || '/', message: describeError(e) }));
    if (errors.length > MAX_PROBLEMS) problems.push({ file, path: '/', message: `and ${errors.length - MAX_PROBLEMS} more problems` });
    throw new InputError(problems);
  }
  return value as Report;
}

/** Reads one report file (or a run's output folder), parsed and validated. */
export function readReport(path: string): Report {
  const file = reportPath(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError([{ file, message: code === 'ENOENT' ? 'no such file' : `cannot read: ${(error as Error).message}` }]);
  }
  return parseReport(text, file);
}

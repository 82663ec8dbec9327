/**
 * Reading a saved report.json for the commands that work on reports (report, merge, diff,
 * expectations): read, parse, validate against schemas/report.schema.json, and check what the schema
 * cannot say (ids unique, each result of a listed case and column). Every failure is an InputError
 * naming the file (and the line, or the JSON path inside it), so the CLI exits 2.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parseExpression } from '@babel/parser';
import { InputError, type Problem } from '../../schemas/input-error.ts';
import { REPORT_FILE } from './recorder.ts';
import { REPORT_SCHEMA_VERSION, type Report } from './report-types.ts';
import { describeError, validateReport } from '../../schemas/validators.ts';
import { readInputFile } from '../../schemas/input-file.ts';

/** Schema problems listed per file before the rest are summarised. */
const MAX_PROBLEMS = 20;

/** The largest report read: below the longest string the JavaScript engine can make. */
const MAX_REPORT_BYTES = 256 * 1024 * 1024;

/** Resolves a path given on the command line: a run's output folder means its report.json. */
export function reportPath(path: string): string {
  try {
    return statSync(path).isDirectory() ? join(path, REPORT_FILE) : path;
  } catch {
    return path;
  }
}

/** The 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Why JSON.parse refused `text`, in one line (the engine's message quotes the text around the
 * error; the quote is left out), and the line where it happened when that can be known: the
 * position the engine gives, the end for a text that stops early, else where a JavaScript parser
 * stops on the same character (JSON is a subset of JavaScript's expressions).
 */
function jsonProblem(text: string, error: Error): string {
  // An unprintable or invisible character is named by its code point.
  const message = error.message.split('\n')[0].replace(/, (".*|\.\.\.".*)$/s, '').replace(/[^\x20-\x7E]/gu, (c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);
  const position = /at position (\d+)/.exec(error.message);
  const at = (line: number, why: string) => `not valid JSON at line ${line}: ${why}`;
  const cutShort = at(lineAt(text, text.length), 'the text ends before the JSON does (cut short?)');
  // What the parser wanted next at the very end (a name, a value, a bracket) is missing: the text was cut.
  if (position && Number(position[1]) >= text.trimEnd().length && text.trim() !== '') return cutShort;
  if (position) return at(lineAt(text, Number(position[1])), message.replace(/ in JSON at position \d+.*$/, ''));
  if (/Unexpected end of JSON input/.test(error.message)) {
    return text.trim() === '' ? 'not valid JSON: the file is empty' : cutShort;
  }
  const token = /^Unexpected token '(.)'/su.exec(error.message)?.[1];
  if (token !== undefined) {
    try {
      parseExpression(text, { errorRecovery: false });
    } catch (babel) {
      const loc = (babel as { loc?: { line: number; index: number } }).loc;
      if (loc && text.startsWith(token, loc.index)) return at(loc.line, message);
    }
    // A text that does not begin as JSON can begin is refused at its first character.
    const first = /\S/u.exec(text);
    if (first && first[0] === token && !/[{["\-0-9tfn]/.test(token)) return at(lineAt(text, first.index), message);
    // A character JavaScript takes for white space (a byte order mark, a no-break space): found when it is the only one.
    const only = text.indexOf(token);
    if (only !== -1 && text.indexOf(token, only + 1) === -1) return at(lineAt(text, only), message);
  }
  return `not valid JSON: ${message}`;
}

/**
 * What the schema cannot say about a report: case ids and column names are unique, and each result
 * is of a listed case and column, one per cell. Problems by JSON path.
 */
function consistencyProblems(report: Report, file: string): Problem[] {
  const problems: Problem[] = [];
  const cases = new Map<string, number>();
  report.cases.forEach((c, i) => {
    if (cases.has(c.id)) problems.push({ file, path: `/cases/${i}/id`, message: `case "${c.id}" is listed twice (first at /cases/${cases.get(c.id)})` });
    else cases.set(c.id, i);
  });
  const targets = new Map<string, number>();
  report.targets.forEach((t, i) => {
    if (targets.has(t.name)) problems.push({ file, path: `/targets/${i}/name`, message: `target "${t.name}" is listed twice (first at /targets/${targets.get(t.name)})` });
    else targets.set(t.name, i);
  });
  const cells = new Map<string, number>();
  report.results.forEach((r, i) => {
    if (!cases.has(r.caseId)) problems.push({ file, path: `/results/${i}/caseId`, message: `a result of case "${r.caseId}", which /cases does not list` });
    if (!targets.has(r.target)) problems.push({ file, path: `/results/${i}/target`, message: `a result on target "${r.target}", which /targets does not list` });
    const cell = JSON.stringify([r.caseId, r.target]);
    if (cells.has(cell)) problems.push({ file, path: `/results/${i}`, message: `a second result of case "${r.caseId}" on "${r.target}" (first at /results/${cells.get(cell)})` });
    else cells.set(cell, i);
  });
  return problems;
}

/** Parses and validates the text of a report; `file` names it in errors. */
export function parseReport(text: string, file: string): Report {
  let value: unknown;
  // A byte order mark before the JSON may be skipped (RFC 8259, section 8.1).
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    value = JSON.parse(json);
  } catch (error) {
    // The line goes into the message: `file: not valid JSON at line 3: ...` (a JSON path, when there is one, follows the file).
    throw new InputError([{ file, message: jsonProblem(json, error as Error) }]);
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
  const problems = consistencyProblems(value as Report, file);
  if (problems.length > MAX_PROBLEMS) problems.splice(MAX_PROBLEMS, Infinity, { file, path: '/', message: `and ${problems.length - MAX_PROBLEMS} more problems` });
  if (problems.length > 0) throw new InputError(problems);
  return value as Report;
}

/** Reads one report file (or a run's output folder), parsed and validated. */
export function readReport(path: string): Report {
  const file = reportPath(path);
  return parseReport(readInputFile(file, file, MAX_REPORT_BYTES), file);
}

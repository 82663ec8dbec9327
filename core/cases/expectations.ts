/**
 * Expectations files: the known results that are not PASS, per target, so a CI gate fails on a
 * regression and not on what is already known. Validated by schemas/expectations.schema.json.
 *
 * ```yaml
 * targets:
 *   node:
 *     forbidden-apis/**: FAIL                       # an id glob
 *     errors/stream-chunk/string-chunk-fails-body: FAIL
 * subtests:                                       # known-failing vectors of a subtest case
 *   deno:
 *     web-apis/wpt/url-parsing: ["<vector name>"]
 * ```
 * An exact id wins over a glob; among globs, the longest pattern that matches wins.
 */
import picomatch from 'picomatch';
import { Document } from 'yaml';
import { InputError, type Problem } from '../../schemas/input-error.ts';
import type { Report } from '../report/report-types.ts';
import { validateExpectations } from '../../schemas/validators.ts';
import type { Status } from '../types.ts';
import { MAX_YAML_BYTES, parseYamlFile, pointer, readInputFile } from '../../schemas/input-file.ts';

/** An expectations file as written. */
export interface ExpectationsFile {
  targets?: Record<string, Record<string, Status>>;
  /** Target -> case id -> the names of its subtests known to fail there. */
  subtests?: Record<string, Record<string, string[]>>;
}

/** What a cell is expected to be: PASS unless the file says otherwise. */
export type ExpectedStatus = (caseId: string, target: string) => Status;

/** Reads, parses and validates an expectations file; problems throw InputError (exit 2). */
export function readExpectations(file: string): ExpectationsFile {
  const parsed = parseYamlFile<ExpectationsFile>(file, readInputFile(file, file, MAX_YAML_BYTES), validateExpectations);
  if (!parsed.data) throw new InputError(parsed.problems);
  // Every id glob must compile, as the run will compile it (picomatch refuses, for one, a pattern
  // longer than it reads).
  const problems: Problem[] = [];
  for (const [target, entries] of Object.entries(parsed.data.targets ?? {})) {
    for (const pattern of Object.keys(entries)) {
      try {
        picomatch(pattern);
      } catch (error) {
        const path = ['targets', target, pattern];
        problems.push({ file, line: parsed.lineOf(path), path: pointer(path), message: `not a case id or id glob: ${(error as Error).message}` });
      }
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return parsed.data;
}

/** The lookup for a run. */
export function expectedStatus(expectations: ExpectationsFile | undefined): ExpectedStatus {
  const perTarget = new Map(
    Object.entries(expectations?.targets ?? {}).map(([target, entries]) => {
      const globs = Object.entries(entries)
        .filter(([pattern]) => /[*?[{]/.test(pattern))
        .sort(([a], [b]) => b.length - a.length)
        .map(([pattern, status]) => ({ match: picomatch(pattern), status }));
      return [target, { exact: entries, globs }] as const;
    }),
  );
  return (caseId, target) => {
    const entries = perTarget.get(target);
    if (!entries) return 'PASS';
    return entries.exact[caseId] ?? entries.globs.find((g) => g.match(caseId))?.status ?? 'PASS';
  };
}

/** The lookup of known-failing subtests: target -> case id -> vector names (none when not listed). */
export function knownFailingSubtests(expectations: ExpectationsFile | undefined): (caseId: string, target: string) => readonly string[] {
  return (caseId, target) => expectations?.subtests?.[target]?.[caseId] ?? [];
}

/** Entries that match no case of the run: likely stale, worth a warning. */
export function unusedExpectations(expectations: ExpectationsFile, caseIds: string[]): string[] {
  const unused: string[] = [];
  for (const [target, entries] of Object.entries(expectations.targets ?? {})) {
    for (const pattern of Object.keys(entries)) {
      const match = picomatch(pattern);
      if (!caseIds.some((id) => id === pattern || match(id))) unused.push(`${target}: ${pattern}`);
    }
  }
  for (const [target, entries] of Object.entries(expectations.subtests ?? {})) {
    for (const caseId of Object.keys(entries)) if (!caseIds.includes(caseId)) unused.push(`${target}: subtests of ${caseId}`);
  }
  return unused;
}

/**
 * An expectations file that records a report's results that are not PASS (SKIP aside: a missing
 * runtime is not a known result), each with the judge's message as a comment.
 */
export function expectationsFromReport(report: Report): string {
  const targets: Record<string, Record<string, Status>> = {};
  const subtests: Record<string, Record<string, string[]>> = {};
  const comments = new Map<string, string>();
  for (const result of report.results) {
    if (result.status === 'PASS' || result.status === 'SKIP') continue;
    // A subtest case that ran and failed some vectors: those vectors are what is known.
    if (result.status === 'FAIL' && result.subtests && result.subtests.failures.length > 0) {
      (subtests[result.target] ??= {})[result.caseId] = result.subtests.failures.map((f) => f.name);
      continue;
    }
    (targets[result.target] ??= {})[result.caseId] = result.status;
    comments.set(`${result.target}\u0000${result.caseId}`, result.message.replace(/\s+/g, ' ').slice(0, 160));
  }
  const doc = new Document(Object.keys(subtests).length > 0 ? { targets, subtests } : { targets });
  doc.commentBefore = ` edgecompat expectations: the known results that are not PASS (from a run of ${report.startedAt}).\n A run whose results match these exits 0; schema: schemas/expectations.schema.json.`;
  for (const [target, entries] of Object.entries(targets)) {
    for (const caseId of Object.keys(entries)) {
      const node = doc.getIn(['targets', target, caseId], true) as { comment?: string } | undefined;
      if (node) node.comment = ` ${comments.get(`${target}\u0000${caseId}`)}`;
    }
  }
  return doc.toString({ lineWidth: 0 });
}

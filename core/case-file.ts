/**
 * One case file: YAML parsed with positions, validated against schemas/case.schema.json, and every
 * problem located by line and JSON path.
 */
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { Problem } from './input-error.ts';
import { describeError, specificErrors, validateCaseFile } from './schemas.ts';

/** A case file as written: the schema's shape, before defaults are applied. */
export interface RawCaseFile {
  area: string;
  feature: string;
  source?: string;
  tags?: string[];
  timeoutMs?: number;
  cases: RawCase[];
}

/** One case as written in its file. */
export interface RawCase {
  id: string;
  title: string;
  source?: string;
  tags?: string[];
  timeoutMs?: number;
  route?: string | { file: string };
  probe?: { expr: string; value?: unknown; typeof?: string; throws?: Record<string, string> };
  refused?: Record<string, string>;
  request?: Record<string, unknown>;
  expect?: Record<string, unknown>;
  requests?: Array<Record<string, unknown>>;
}

/** A parsed file: its data if valid, and a way to find the line of any JSON path in it. */
export interface ParsedCaseFile {
  data?: RawCaseFile;
  problems: Problem[];
  lineOf(path: Array<string | number>): number | undefined;
}

/** Splits a JSON pointer like /cases/3/expect into its segments (numbers for array indexes). */
export function pointerSegments(pointer: string): Array<string | number> {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function lineFinder(doc: Document, counter: LineCounter) {
  return (path: Array<string | number>): number | undefined => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = path.length === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
    }
    return undefined;
  };
}

/** Parses and validates the text of one case file. */
export function parseCaseFile(file: string, text: string): ParsedCaseFile {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  const lineOf = lineFinder(doc, counter);
  if (doc.errors.length > 0) {
    return {
      lineOf,
      problems: doc.errors.map((e) => ({ file, line: e.linePos?.[0]?.line, message: `invalid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}` })),
    };
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (!validateCaseFile(data)) {
    const shape = shapeProblems(data);
    const problems = specificErrors(validateCaseFile.errors)
      .filter((error) => !shape.has(error.instancePath))
      .map((error) => ({ path: error.instancePath || '/', message: describeError(error) }));
    for (const [path, message] of shape) problems.push({ path, message });
    const located = problems.map((p) => ({ file, line: lineOf(pointerSegments(p.path)), ...p }));
    return { lineOf, problems: dedupe(located) };
  }
  return { data: data as RawCaseFile, problems: [], lineOf };
}

/**
 * Which fields of a case go together is said by oneOf/not in the schema, whose errors read badly;
 * this says it plainly, by case path.
 */
function shapeProblems(data: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const cases = (data as { cases?: unknown })?.cases;
  if (!Array.isArray(cases)) return out;
  cases.forEach((c: Record<string, unknown> | null, i) => {
    if (!c || typeof c !== 'object') return;
    const has = (k: string) => k in c;
    let message: string | undefined;
    if (has('route') && has('probe')) message = 'give a route or a probe, not both';
    else if (!has('route') && !has('probe')) message = 'give a route (or a probe)';
    else if (has('probe') && ['request', 'expect', 'requests', 'refused'].some(has)) message = 'a probe makes its own request and expectation: remove request, expect, requests and refused';
    else if (has('requests') && ['request', 'expect'].some(has)) message = 'give either request and expect, or requests (each with its own expect)';
    else if (has('refused') && ['requests', 'expect'].some(has)) message = 'a refused route is never requested: remove expect and requests';
    if (message) out.set(`/cases/${i}`, message);
  });
  return out;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

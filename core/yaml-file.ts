/**
 * Reading a YAML input file (a case file, an expectations file): parsed with positions, validated
 * by one of the schemas, and every problem located by line and JSON path.
 */
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Problem } from './input-error.ts';
import { describeError, specificErrors } from './schemas.ts';

/** A parsed file: its data if valid, and a way to find the line of any JSON path in it. */
export interface ParsedYaml<T> {
  data?: T;
  problems: Problem[];
  lineOf(path: Array<string | number>): number | undefined;
}

/** Splits a JSON pointer like /cases/3/expect into its segments (numbers for array indexes). */
export function pointerSegments(pointer: string): Array<string | number> {
  if (!pointer || pointer === '/') return [];
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

/**
 * Parses `text` and validates it with `validate`. `explain` may replace the schema's errors at some
 * JSON paths with plainer messages (path -> message), for rules the schema says with oneOf or not.
 */
export function parseYamlFile<T>(file: string, text: string, validate: ValidateFunction, explain?: (data: unknown) => Map<string, string>): ParsedYaml<T> {
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
  if (!validate(data)) {
    const plain = explain?.(data) ?? new Map<string, string>();
    const problems = specificErrors(validate.errors)
      .filter((error) => !plain.has(error.instancePath))
      .map((error) => ({ path: error.instancePath || '/', message: describeError(error), field: unknownField(error) }));
    for (const [path, message] of plain) problems.push({ path, message, field: undefined });
    // An unknown field is found at its own line, not its object's.
    const located = problems.map(({ field, ...p }) => ({ file, line: lineOf([...pointerSegments(p.path), ...(field === undefined ? [] : [field])]) ?? lineOf(pointerSegments(p.path)), ...p }));
    return { lineOf, problems: dedupe(located) };
  }
  return { data: data as T, problems: [], lineOf };
}

function unknownField(error: ErrorObject): string | undefined {
  const params = error.params as Record<string, unknown>;
  const field = error.keyword === 'additionalProperties' ? params.additionalProperty : error.keyword === 'unevaluatedProperties' ? params.unevaluatedProperty : undefined;
  return typeof field === 'string' ? field : undefined;
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

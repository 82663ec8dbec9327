/**
 * Reading an input file: its bytes bounded and decoded strictly as UTF-8 (readInputFile, for every
 * file a user gives edgecompat), and a YAML input file (a case file, an expectations file, a config,
 * a profile) parsed with positions, checked for what YAML itself forbids and for data no edgecompat
 * file needs (an alias bomb, nesting past MAX_DEPTH levels), validated by one of the schemas, and
 * every problem located by line and JSON path.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { LineCounter, parseDocument, isAlias, isMap, isNode, isScalar, visit, type Document } from 'yaml';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { InputError, type Problem } from './input-error.ts';
import { describeError, specificErrors } from './validators.ts';

/** The most bytes a YAML input file may have: no case needs more (a case's `payload` generates large content). */
export const MAX_YAML_BYTES = 8 * 1024 * 1024;

/** The deepest nesting of mappings and sequences a YAML input file may have. */
export const MAX_DEPTH = 100;

/** A parsed file: its data if valid, and a way to find the line of any JSON path in it. */
export interface ParsedYaml<T> {
  data?: T;
  problems: Problem[];
  lineOf(path: Array<string | number>): number | undefined;
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;

/**
 * Reads `path` as UTF-8 text, at most `maxBytes` of it; `file` names it in problems. A folder, a
 * missing file, a file over the limit or bytes that are not UTF-8 (located by line) throw an
 * InputError. A leading byte order mark is kept: YAML allows one and a JSON reader may skip it.
 */
export function readInputFile(path: string, file: string, maxBytes: number): string {
  const fail = (message: string, line?: number): never => {
    throw new InputError([{ file, ...(line ? { line } : {}), message }]);
  };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'no such file' : `cannot read: ${(error as Error).message}`);
  }
  let bytes: Buffer;
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) fail('is a folder, not a file');
    if (stat.size > maxBytes) fail(`is ${stat.size.toLocaleString('en-US')} bytes; edgecompat reads at most ${mib(maxBytes)} from a file of this kind`);
    // Read in chunks: a pipe or a device has no size to check first.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, maxBytes + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        return fail(`cannot read: ${(error as Error).message}`);
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) fail(`is more than ${mib(maxBytes)}; edgecompat reads at most ${mib(maxBytes)} from a file of this kind`);
    }
    bytes = Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return fail('is not UTF-8 text: this line has bytes that are not UTF-8 (binary data, or another encoding)', firstNonUtf8Line(bytes));
  }
}

/** The 1-based line of the first bytes that are not UTF-8 (a newline byte is never part of a UTF-8 sequence). */
function firstNonUtf8Line(bytes: Buffer): number | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let start = 0, line = 1; start <= bytes.length; line++) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end === -1 ? bytes.length : end;
    try {
      decoder.decode(bytes.subarray(start, stop));
    } catch {
      return line;
    }
    if (end === -1) return undefined;
    start = end + 1;
  }
  return undefined;
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

/** A JSON pointer for path segments: the inverse of pointerSegments. */
export function pointer(path: Array<string | number>): string {
  return path.length === 0 ? '/' : path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
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

/** The line of the key `field` in the mapping at `path`. */
function keyLine(doc: Document, counter: LineCounter, path: Array<string | number>, field: string): number | undefined {
  const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((item) => (isScalar(item.key) ? String(item.key.value) : String(item.key)) === field);
  return isNode(pair?.key) && pair.key.range ? counter.linePos(pair.key.range[0]).line : undefined;
}

/**
 * YAML 1.2 streams hold only printable characters (https://yaml.org/spec/1.2.2/#51-character-set:
 * no C0 or C1 control character but tab, line feed, carriage return and next line, no DEL, no
 * U+FFFE or U+FFFF) and a byte order mark only before a document (section 5.2). The yaml package
 * reads them all the same, so they are refused here.
 */
// eslint-disable-next-line no-control-regex
const NOT_PRINTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uFFFE\uFFFF]|(?<!^)\uFEFF/;

function unprintable(file: string, text: string, counter: LineCounter): Problem | undefined {
  const found = NOT_PRINTABLE.exec(text);
  if (!found) return undefined;
  const { line, col } = counter.linePos(found.index);
  const code = `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  const what = found[0] === '\uFEFF' ? `a byte order mark (${code}) inside the document` : `the control character ${code}`;
  return { file, line, message: `${what} at column ${col}: YAML allows only printable characters (write it as an escape in a "double-quoted" string)` };
}

const STACK_OVERFLOW = /Maximum call stack size exceeded/;

/**
 * Where the data nests past MAX_DEPTH levels, or contains itself (an alias inside its own anchor),
 * walked without recursion so that no depth can overflow the stack.
 */
function depthProblem(data: unknown): { path: Array<string | number>; message: string } | undefined {
  const ancestors = new Set<object>();
  const stack: Array<{ value: unknown; path: Array<string | number>; leave?: boolean }> = [{ value: data, path: [] }];
  while (stack.length > 0) {
    const { value, path, leave } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (leave) {
      ancestors.delete(value);
      continue;
    }
    if (ancestors.has(value)) return { path, message: 'an alias inside its own anchor: the data would never end' };
    if (path.length > MAX_DEPTH) return { path, message: `nested more than ${MAX_DEPTH} levels deep` };
    ancestors.add(value);
    stack.push({ value, path, leave: true });
    const entries: Array<[string | number, unknown]> = Array.isArray(value) ? [...value.entries()] : Object.entries(value);
    for (const [key, child] of entries) stack.push({ value: child, path: [...path, key] });
  }
  return undefined;
}

/** The line of the file's first alias, for a problem about aliases. */
function firstAliasLine(doc: Document, counter: LineCounter): number | undefined {
  let line: number | undefined;
  try {
    visit(doc, {
      Alias(_, node) {
        if (isAlias(node) && node.range) line = counter.linePos(node.range[0]).line;
        return visit.BREAK;
      },
    });
  } catch {
    // Too deep to walk: the file is named without a line.
  }
  return line;
}

/**
 * Parses `text` and validates it with `validate`. `explain` may replace the schema's errors at some
 * JSON paths with plainer messages (path -> message), for rules the schema says with oneOf or not.
 */
export function parseYamlFile<T>(file: string, text: string, validate: ValidateFunction, explain?: (data: unknown) => Map<string, string>): ParsedYaml<T> {
  const counter = new LineCounter();
  const tooDeep = (line?: number): ParsedYaml<T> => ({ lineOf: () => undefined, problems: [{ file, ...(line ? { line } : {}), message: `invalid YAML: nested too deeply to read (edgecompat reads at most ${MAX_DEPTH} levels)` }] });
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    if (error instanceof RangeError) return tooDeep();
    throw error;
  }
  const lineOf = lineFinder(doc, counter);
  const bad = unprintable(file, text, counter);
  if (bad) return { lineOf, problems: [bad] };
  if (doc.errors.length > 0) {
    // The parser runs out of stack on deep nesting and says so once per level: say it once, plainly.
    const overflow = doc.errors.find((e) => STACK_OVERFLOW.test(e.message));
    if (overflow) return tooDeep(overflow.linePos?.[0]?.line);
    return {
      lineOf,
      problems: dedupe(doc.errors.map((e) => ({ file, line: e.linePos?.[0]?.line, message: `invalid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}` }))),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    if (error instanceof RangeError) return tooDeep();
    // The yaml package refuses aliases that expand past maxAliasCount (a "billion laughs" file).
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      return { lineOf, problems: [{ file, line: firstAliasLine(doc, counter), message: 'invalid YAML: its aliases expand to far more data than the file holds (an alias bomb), which edgecompat does not expand' }] };
    }
    throw error;
  }
  const deep = depthProblem(data);
  if (deep) return { lineOf, problems: [{ file, line: lineOf(deep.path), path: pointer(deep.path), message: deep.message }] };
  if (!validate(data)) {
    if (data === null || data === undefined) return { lineOf, problems: [{ file, path: '/', message: 'the file holds no data (it is empty, or only comments): expected a mapping' }] };
    const plain = explain?.(data) ?? new Map<string, string>();
    const problems = specificErrors(validate.errors)
      .filter((error) => !plain.has(error.instancePath))
      .map((error) => ({ path: error.instancePath || '/', message: describeError(error), field: unknownField(error) }));
    for (const [path, message] of plain) problems.push({ path, message, field: undefined });
    // An unknown field is found at its own line (its key's), not its object's.
    const located = problems.map(({ field, ...p }) => ({ file, line: (field === undefined ? undefined : keyLine(doc, counter, pointerSegments(p.path), field)) ?? lineOf(pointerSegments(p.path)), ...p }));
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

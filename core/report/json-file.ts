/**
 * Writing a large JSON document (report.json) without holding it as one string: the bytes are those
 * of `JSON.stringify(value, null, 2)` and a newline, written a top-level field at a time and a
 * top-level array an item at a time. A report of a few thousand cells is several MB of text, and
 * one string of it (plus its copy as bytes on the way to the file) was the last peak of a run's memory.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

const INDENT = 2;

/** Writes `value` to `file` as `${JSON.stringify(value, null, 2)}\n` would, in pieces. */
export function writeJsonFile(file: string, value: object): void {
  const fd = openSync(file, 'w');
  try {
    for (const piece of jsonPieces(value)) writeSync(fd, piece);
  } finally {
    closeSync(fd);
  }
}

/** The pieces of `JSON.stringify(value, null, 2)` and a newline, a top-level field or array item each. */
export function* jsonPieces(value: object): Generator<string> {
  const fields = Object.entries(value).filter(([, v]) => isSerialised(v));
  if (fields.length === 0) {
    yield '{}\n';
    return;
  }
  yield '{';
  for (const [i, [key, field]] of fields.entries()) {
    yield `${i === 0 ? '' : ','}\n${' '.repeat(INDENT)}${JSON.stringify(key)}: `;
    if (Array.isArray(field) && field.length > 0) {
      yield '[';
      for (const [j, item] of field.entries()) yield `${j === 0 ? '' : ','}\n${' '.repeat(2 * INDENT)}${indented(item, 2 * INDENT)}`;
      yield `\n${' '.repeat(INDENT)}]`;
    } else {
      yield indented(field, INDENT);
    }
  }
  yield '\n}\n';
}

/** Whether JSON.stringify keeps an object field holding `v` (it drops undefined, functions and symbols). */
function isSerialised(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}

/** `v` as JSON.stringify(v, null, 2) gives it (null where it gives nothing, as in an array), its lines after the first indented by `by`. */
function indented(v: unknown, by: number): string {
  const text = JSON.stringify(v, null, INDENT) ?? 'null';
  // A string value never holds a raw newline (JSON escapes it), so every newline starts a line.
  return text.replaceAll('\n', `\n${' '.repeat(by)}`);
}

/**
 * Reading a response's header field lines (`StepObservation.headerFields`, in wire order): the
 * one place where a header name's value is derived from them. Pure.
 */

/** A response header field line as received: `[name, value]`. */
export type HeaderField = [name: string, value: string];

/** The values of the field lines named `name`, in order. Field names are case-insensitive (RFC 9110 5.1). */
export function fieldLines(fields: readonly HeaderField[] | undefined, name: string): string[] {
  const wanted = name.toLowerCase();
  return (fields ?? []).filter(([n]) => n.toLowerCase() === wanted).map(([, value]) => value);
}

/**
 * The field value of `name`, or undefined when no line has that name. RFC 9110 section 5.3 combines
 * field lines of one name into one value with ", ". Set-Cookie is the exception it names: its values
 * may contain commas (`Expires=Wed, 21 Oct ...`), so joining them with ", " would lose where one
 * cookie ends (RFC 6265 section 3). Its lines are joined with "\n", which no field value can contain.
 */
export function fieldValue(fields: readonly HeaderField[] | undefined, name: string): string | undefined {
  const lines = fieldLines(fields, name);
  if (lines.length === 0) return undefined;
  return lines.join(name.toLowerCase() === 'set-cookie' ? '\n' : ', ');
}

/**
 * Pairs up a flat `[name, value, name, value, ...]` list, as undici gives raw headers with
 * `responseHeaders: 'raw'`.
 */
export function pairFields(flat: readonly string[]): HeaderField[] {
  const out: HeaderField[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

/**
 * The checks of one response against its expectations: status, headers, body, streaming. Each
 * returns the mismatches it found, as "expected ..., saw ..." phrases. Pure.
 */
import { fieldLines, fieldValue } from '../../runners/header-fields.ts';
import { INVOCATION_HEADER, type BodyExpect, type ErrorExpect, type HeaderExpect, type InvocationExpect, type ResponseExpect, type SeenError, type StepObservation, type StreamExpect } from '../types.ts';

const quote = (value: unknown, max = 80): string => {
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
};

/** Mismatches of the response status. */
export function checkStatus(expected: ResponseExpect['status'], seen: StepObservation): string[] {
  if (expected === undefined) return [];
  const allowed = Array.isArray(expected) ? expected : [expected];
  return allowed.includes(seen.status!) ? [] : [`expected status ${allowed.join(' or ')}, saw ${seen.status}`];
}

/**
 * Mismatches of the response headers. `equals`, `matches` and `absent` look at a name's field value
 * (see `fieldValue`: lines joined with ", ", Set-Cookie's with "\n"); `fieldLines` looks at the field
 * lines themselves, so it tells two lines from one line folded by an intermediary.
 */
export function checkHeaders(expected: Record<string, HeaderExpect> | undefined, seen: StepObservation): string[] {
  const out: string[] = [];
  for (const [name, want] of Object.entries(expected ?? {})) {
    const value = fieldValue(seen.headerFields, name);
    if (want.absent) {
      if (value !== undefined) out.push(`expected no ${name} header, saw ${quote(value)}`);
      continue;
    }
    if (value === undefined) {
      out.push(`expected a ${name} header, saw none`);
      continue;
    }
    if (want.equals !== undefined && value !== want.equals) out.push(`expected ${name}: ${quote(want.equals)}, saw ${quote(value)}`);
    if (want.matches !== undefined && !new RegExp(want.matches).test(value)) out.push(`expected ${name} to match /${want.matches}/, saw ${quote(value)}`);
    if (want.fieldLines !== undefined) out.push(...checkFieldLines(name, want.fieldLines, fieldLines(seen.headerFields, name)));
  }
  return out;
}

function checkFieldLines(name: string, expected: string[], seen: string[]): string[] {
  const shown = quote(seen, 240);
  if (seen.length !== expected.length) {
    return [`expected ${expected.length} ${name} field line${expected.length === 1 ? '' : 's'}, saw ${seen.length}: ${shown}`];
  }
  const differs = expected.some((value, i) => seen[i] !== value);
  return differs ? [`expected ${name} field lines ${quote(expected, 240)}, saw ${shown}`] : [];
}

/** True when `subset` is contained in `value`: objects by key, arrays element by element. */
export function jsonContains(value: unknown, subset: unknown): boolean {
  if (subset === null || typeof subset !== 'object') return Object.is(value, subset);
  if (Array.isArray(subset)) {
    return Array.isArray(value) && value.length === subset.length && subset.every((item, i) => jsonContains(value[i], item));
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.entries(subset).every(([key, item]) => key in value && jsonContains((value as Record<string, unknown>)[key], item));
}

/** Mismatches of the response body. */
export function checkBody(expected: BodyExpect | undefined, seen: StepObservation): string[] {
  if (!expected) return [];
  const out: string[] = [];
  const text = seen.bodyText;
  const needsText = expected.equals !== undefined || expected.json !== undefined;
  if (needsText && text === undefined) return [`the body (${seen.bodyLength} bytes) is too long to compare as text`];
  const shown = text ?? seen.bodyExcerpt ?? '';
  if (expected.equals !== undefined && text !== expected.equals) out.push(`expected body ${quote(expected.equals)}, saw ${quote(shown)}`);
  if (expected.contains !== undefined && !(text ?? seen.bodyExcerpt ?? '').includes(expected.contains)) {
    out.push(`expected body to contain ${quote(expected.contains)}, saw ${quote(shown)}`);
  }
  if (expected.regex !== undefined && !new RegExp(expected.regex).test(text ?? seen.bodyExcerpt ?? '')) {
    out.push(`expected body to match /${expected.regex}/, saw ${quote(shown)}`);
  }
  if (expected.json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text!);
    } catch {
      out.push(`expected a JSON body containing ${quote(expected.json)}, saw ${quote(shown)} (not JSON)`);
    }
    if (parsed !== undefined && !jsonContains(parsed, expected.json)) out.push(`expected JSON containing ${quote(expected.json)}, saw ${quote(parsed)}`);
  }
  if (expected.length !== undefined && seen.bodyLength !== expected.length) out.push(`expected a body of ${expected.length} bytes, saw ${seen.bodyLength}`);
  if (expected.sha256 !== undefined && seen.bodySha256 !== expected.sha256) out.push(`expected body sha256 ${expected.sha256.slice(0, 12)}…, saw ${seen.bodySha256?.slice(0, 12)}…`);
  return out;
}

/** Mismatches of the way the body arrived: chunk count, time to first chunk, gaps, content-length. */
export function checkStream(expected: StreamExpect | undefined, seen: StepObservation): string[] {
  if (!expected) return [];
  const out: string[] = [];
  const chunks = (seen.chunks ?? []).filter((c) => c.bytes > 0);
  const times = chunks.map((c) => Math.round(c.atMs));
  const timeline = times.length > 0 ? `at ${times.join(', ')} ms` : 'none';
  if (expected.minChunks !== undefined && chunks.length < expected.minChunks) {
    out.push(`expected at least ${expected.minChunks} body chunks, saw ${chunks.length} (${timeline})`);
  }
  if (expected.firstChunkWithinMs !== undefined) {
    const first = chunks[0]?.atMs;
    if (first === undefined || first > expected.firstChunkWithinMs) {
      out.push(`expected the first chunk within ${expected.firstChunkWithinMs} ms, saw ${first === undefined ? 'none' : `${Math.round(first)} ms`}`);
    }
  }
  if (expected.gapAtLeastMs !== undefined) {
    let widest = 0;
    for (let i = 1; i < chunks.length; i++) widest = Math.max(widest, chunks[i].atMs - chunks[i - 1].atMs);
    if (widest < expected.gapAtLeastMs) {
      out.push(`expected a gap of at least ${expected.gapAtLeastMs} ms between chunks, widest was ${Math.round(widest)} ms (chunks ${timeline})`);
    }
  }
  const contentLength = fieldValue(seen.headerFields, 'content-length');
  if (expected.noContentLength && contentLength !== undefined) {
    out.push(`expected no content-length (a streamed body), saw content-length: ${contentLength}`);
  }
  return out;
}

/** Mismatches of an error against what it must look like. */
export function checkError(expected: ErrorExpect, seen: SeenError, what: string): string[] {
  const out: string[] = [];
  const shown = `${seen.name}: ${seen.message}`;
  if (expected.name !== undefined && seen.name !== expected.name) out.push(`expected ${what} ${expected.name}, saw ${quote(shown, 160)}`);
  if (expected.message !== undefined && !seen.message.includes(expected.message)) {
    out.push(`expected ${what} message to contain ${quote(expected.message)}, saw ${quote(shown, 160)}`);
  }
  if (expected.messageMatches !== undefined && !new RegExp(expected.messageMatches).test(seen.message)) {
    out.push(`expected ${what} message to match /${expected.messageMatches}/, saw ${quote(shown, 160)}`);
  }
  return out;
}

/**
 * Mismatches of which run of the route answered request `index` (0-based), told by the x-invocation
 * header the route sets anew on every run: a response with request n's value came from request n's
 * run (a cache answered), a new value means the route ran again.
 */
export function checkInvocation(expected: InvocationExpect | undefined, index: number, steps: StepObservation[]): string[] {
  if (!expected) return [];
  const other = (expected.sameAs ?? expected.notSameAs)!;
  const mine = fieldValue(steps[index]?.headerFields, INVOCATION_HEADER);
  const theirs = fieldValue(steps[other - 1]?.headerFields, INVOCATION_HEADER);
  if (mine === undefined || theirs === undefined) {
    const which = mine === undefined ? `request ${index + 1}` : `request ${other}`;
    return [`cannot tell which run of the route answered: ${which}'s response has no ${INVOCATION_HEADER} header`];
  }
  const same = mine === theirs;
  if (expected.sameAs !== undefined && !same) return [`expected the response of request ${other} again (the route not run), but the route ran again (${INVOCATION_HEADER} ${quote(mine)}, not ${quote(theirs)})`];
  if (expected.notSameAs !== undefined && same) return [`expected the route to run again, but this is request ${other}'s response (${INVOCATION_HEADER} ${quote(mine)}): a cache answered`];
  return [];
}

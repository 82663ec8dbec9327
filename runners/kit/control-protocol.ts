/**
 * The control channel protocol, runner side: what a target says to its runner while it starts, as
 * JSON lines (one JSON object per line, UTF-8, each ended by "\n"). Node-style IPC (the built-in
 * hosts) carries the same messages as objects. runners/README.md states the protocol; this module is
 * its one parser, and it is pure.
 *
 * - `{"type":"loading","key":K}`: the target is about to load route K (so a route that hangs or ends
 *   the target while loading is named). K must be a route of this start.
 * - `{"type":"ready","routes":{K:{"port":N,"path"?:P}},"failures":{K:{"name":S,"message":S}}}`: every
 *   route of the start is in exactly one of the two maps; N is the TCP port (1-65535) on 127.0.0.1
 *   serving route K, P an optional path prefix ("/..."), the failures the routes that did not load.
 * - A blank line is skipped. A line that is not JSON, not an object with a string `type`, or a known
 *   type with a field that breaks the rules above is malformed: the start fails with a protocol error
 *   naming the line. An object of an unknown `type` is ignored (later versions may add messages).
 */
import { StringDecoder } from 'node:string_decoder';
import type { Loaded, LoadFailure } from '../types.ts';

/** The longest line a target may write, in characters; a longer one is malformed. */
export const MAX_CONTROL_LINE = 1024 * 1024;

/** How one route is served: a port on 127.0.0.1, and an optional path prefix. */
export interface ServedRoute {
  port: number;
  path?: string;
}

/** A message of the control channel. */
export type ControlMessage =
  | { type: 'loading'; key: string }
  | { type: 'ready'; routes: Record<string, ServedRoute>; failures: Record<string, { name: string; message: string }> };

/** A message of a warm host's channel after its `ready`. */
export type WarmMessage =
  | { type: 'loading'; key: string }
  | { type: 'loaded'; key: string; port: number; path?: string }
  | { type: 'load-failed'; key: string; name: string; message: string }
  | { type: 'proof'; key: string; changes: string[] }
  | { type: 'host-error'; name: string; message: string };

/** What one message amounts to: a message to act on, one to ignore (unknown type), or a protocol error. */
export type ParsedMessage = { message: ControlMessage } | { ignored: string } | { error: string };

/** Checks one message (already parsed JSON, or an IPC message) against the protocol, for a start of `keys`. */
export function checkMessage(value: unknown, keys: ReadonlySet<string>): ParsedMessage {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'not a JSON object' };
  const message = value as Record<string, unknown>;
  if (typeof message.type !== 'string') return { error: 'no string "type"' };
  if (message.type === 'loading') {
    if (typeof message.key !== 'string') return { error: '"loading" needs a string "key"' };
    if (!keys.has(message.key)) return { error: `"loading" names ${JSON.stringify(message.key)}, not a route of this start` };
    return { message: { type: 'loading', key: message.key } };
  }
  if (message.type === 'ready') return checkReady(message, keys);
  return { ignored: `unknown type ${JSON.stringify(message.type)}` };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function checkReady(message: Record<string, unknown>, keys: ReadonlySet<string>): ParsedMessage {
  const { routes, failures } = message;
  if (!isRecord(routes)) return { error: '"ready" needs an object "routes"' };
  if (!isRecord(failures)) return { error: '"ready" needs an object "failures"' };
  const served: Record<string, ServedRoute> = {};
  const failed: Record<string, { name: string; message: string }> = {};
  for (const [key, route] of Object.entries(routes)) {
    if (!keys.has(key)) return { error: `"ready" serves ${JSON.stringify(key)}, not a route of this start` };
    const port = isRecord(route) ? route.port : undefined;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return { error: `"ready": route ${key} needs a "port" from 1 to 65535` };
    const path = (route as Record<string, unknown>).path;
    if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/'))) return { error: `"ready": route ${key} has a "path" that does not begin with "/"` };
    served[key] = path === undefined ? { port } : { port, path: path as string };
  }
  for (const [key, failure] of Object.entries(failures)) {
    if (!keys.has(key)) return { error: `"ready" lists a failure of ${JSON.stringify(key)}, not a route of this start` };
    if (key in served) return { error: `"ready" lists ${key} both as served and as failed` };
    if (!isRecord(failure) || typeof failure.name !== 'string' || typeof failure.message !== 'string') return { error: `"ready": the failure of ${key} needs a string "name" and "message"` };
    failed[key] = { name: failure.name, message: failure.message };
  }
  const missing = [...keys].filter((key) => !(key in served) && !(key in failed));
  if (missing.length > 0) return { error: `"ready" says nothing of ${missing.join(', ')}` };
  return { message: { type: 'ready', routes: served, failures: failed } };
}

/** Checks one message of a warm host after its `ready`, for a host of `keys`. */
export function checkWarmMessage(value: unknown, keys: ReadonlySet<string>): { message: WarmMessage } | { ignored: string } | { error: string } {
  if (!isRecord(value)) return { error: 'not a JSON object' };
  const { type, key } = value;
  if (typeof type !== 'string') return { error: 'no string "type"' };
  const known = ['loading', 'loaded', 'load-failed', 'proof'];
  if (known.includes(type) && (typeof key !== 'string' || !keys.has(key))) return { error: `"${type}" names ${JSON.stringify(key)}, not a route of this host` };
  const k = key as string;
  const failure = () => (typeof value.name === 'string' && typeof value.message === 'string' ? { name: value.name, message: value.message } : undefined);
  switch (type) {
    case 'loading':
      return { message: { type, key: k } };
    case 'loaded': {
      const port = value.port;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return { error: `"loaded": route ${k} needs a "port" from 1 to 65535` };
      const path = value.path;
      if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/'))) return { error: `"loaded": route ${k} has a "path" that does not begin with "/"` };
      return { message: { type, key: k, port, ...(path === undefined ? {} : { path }) } };
    }
    case 'load-failed': {
      const f = failure();
      return f ? { message: { type, key: k, ...f } } : { error: `"load-failed" of ${k} needs a string "name" and "message"` };
    }
    case 'proof': {
      const changes = value.changes;
      if (!Array.isArray(changes) || !changes.every((c) => typeof c === 'string')) return { error: `"proof" of ${k} needs "changes", a list of strings` };
      return { message: { type, key: k, changes } };
    }
    case 'host-error': {
      const f = failure();
      return f ? { message: { type, ...f } } : { error: '"host-error" needs a string "name" and "message"' };
    }
    default:
      return { ignored: `unknown type ${JSON.stringify(type)}` };
  }
}

/** How a line's JSON value is checked: the start's messages (checkMessage) or a warm host's (checkWarmMessage). */
export type MessageCheck<P> = (value: unknown, keys: ReadonlySet<string>) => P;

/** Parses one line of the channel (without its "\n"); undefined for a blank line. */
export function parseControlLine(line: string, keys: ReadonlySet<string>): ParsedMessage | undefined;
export function parseControlLine<P>(line: string, keys: ReadonlySet<string>, check: MessageCheck<P>): P | { error: string } | undefined;
export function parseControlLine(line: string, keys: ReadonlySet<string>, check: MessageCheck<unknown> = checkMessage): unknown {
  if (line.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { error: `not JSON (${(error as Error).message})` };
  }
  return check(value, keys);
}

/**
 * Splits what the target writes into lines and parses each: feed it chunks as they come, and `end()`
 * when the channel closes. A line is delivered once its "\n" arrives; UTF-8 split across chunks is
 * joined (invalid bytes become U+FFFD).
 */
export class ControlLineReader<P = ParsedMessage> {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private lineNumber = 0;

  /** How each line's value is checked; a warm host's runner switches it once the host is ready. */
  check: MessageCheck<P | { error: string }>;

  constructor(
    private readonly keys: ReadonlySet<string>,
    private readonly deliver: (parsed: P | { error: string }, line: { number: number; text: string }) => void,
    check?: MessageCheck<P | { error: string }>,
  ) {
    this.check = check ?? (checkMessage as MessageCheck<P | { error: string }>);
  }

  /** Takes a chunk of the channel. */
  push(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    for (let end = this.pending.indexOf('\n'); end >= 0; end = this.pending.indexOf('\n')) {
      const text = this.pending.slice(0, end);
      this.pending = this.pending.slice(end + 1);
      this.take(text);
    }
    if (this.pending.length > MAX_CONTROL_LINE) {
      const text = this.pending;
      this.pending = '';
      this.lineNumber++;
      this.deliver({ error: `a line longer than ${MAX_CONTROL_LINE} characters` }, { number: this.lineNumber, text });
    }
  }

  /** The channel closed: a last line without its "\n" is malformed. */
  end(): void {
    this.pending += this.decoder.end();
    if (this.pending.trim() === '') return;
    const text = this.pending;
    this.pending = '';
    this.lineNumber++;
    this.deliver({ error: 'the channel closed in the middle of a line (no "\\n")' }, { number: this.lineNumber, text });
  }

  private take(text: string): void {
    this.lineNumber++;
    const parsed = parseControlLine(text, this.keys, this.check);
    if (parsed) this.deliver(parsed, { number: this.lineNumber, text });
  }
}

// Deno colours some error messages (module resolution hints) even on a pipe.
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPES = /\u001b\[[0-9;]*m/g;

/** The ready message as the runner interface's Loaded: a base URL per served route, the failures in the load phase. */
export function readyToLoaded(message: Extract<ControlMessage, { type: 'ready' }>): Loaded {
  const urls = new Map<string, string>();
  const failures = new Map<string, LoadFailure>();
  for (const [key, { port, path }] of Object.entries(message.routes)) urls.set(key, `http://127.0.0.1:${port}${path?.replace(/\/$/, '') ?? ''}`);
  for (const [key, { name, message: text }] of Object.entries(message.failures)) failures.set(key, { name, message: text.replace(ANSI_ESCAPES, ''), phase: 'load' });
  return { urls, failures };
}

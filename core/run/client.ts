/**
 * The client: sends one case request with undici and records what arrived: status, every header
 * field line in wire order, the body's bytes (hashed, with a text excerpt) and the time of every
 * body chunk.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Agent } from 'undici';
import { pairFields } from '../../runners/header-fields.ts';
import type { RequestSpec, SeenError, StepObservation } from '../types.ts';

/** Bodies up to this size are kept whole as text, so `equals` and `json` can be judged. */
export const BODY_TEXT_LIMIT = 256 * 1024;
/** The excerpt kept in the report for any body. */
export const BODY_EXCERPT_LIMIT = 2048;

/** Options for one request. */
export interface SendOptions {
  agent: Agent;
  /** Aborted when the case times out or the run stops. */
  signal: AbortSignal;
  /** Called once, when the first body chunk arrives (or the body ends without one). */
  onFirstChunk?: () => void;
}

/**
 * The request body as undici sends it. `chunks` becomes a stream: undici sends it with
 * chunked transfer coding, one write per chunk, `intervalMs` apart (the first at once), while it
 * reads the response, so a route that reads its body incrementally sees the pieces as they come.
 */
function encodeBody(spec: RequestSpec, signal: AbortSignal): { body?: Buffer | string | Readable; contentType?: string } {
  if (!spec.body) return {};
  if (spec.body.chunks !== undefined) return { body: Readable.from(chunkedBody(spec.body.chunks, spec.body.intervalMs ?? 0, signal), { objectMode: false }), contentType: 'text/plain;charset=UTF-8' };
  if (spec.body.text !== undefined) return { body: spec.body.text, contentType: 'text/plain;charset=UTF-8' };
  if (spec.body.base64 !== undefined) return { body: Buffer.from(spec.body.base64, 'base64') };
  return { body: JSON.stringify(spec.body.json), contentType: 'application/json' };
}

async function* chunkedBody(chunks: string[], intervalMs: number, signal: AbortSignal): AsyncIterable<Buffer> {
  for (let i = 0; i < chunks.length; i++) {
    if (i > 0 && intervalMs > 0) {
      try {
        await sleep(intervalMs, undefined, { signal });
      } catch {
        return;
      }
    }
    yield Buffer.from(chunks[i], 'utf8');
  }
}

function seenError(error: unknown): SeenError {
  const e = error as { name?: string; message?: string; code?: string };
  const name = e?.code ?? e?.name ?? 'Error';
  return { name: String(name), message: String(e?.message ?? error) };
}

/**
 * The URL of a case path under a route's base. A base with a path of its own (a route mounted under
 * a prefix, as on nextjs or a deployed app) takes the case path `/` as the base itself, since
 * frameworks redirect a trailing slash away: `/` -> `base`, `/?q` -> `base?q`, `/p` -> `base/p`.
 */
export function joinUrl(base: string, path: string): string {
  const mounted = new URL(base).pathname !== '/';
  if (mounted && (path === '/' || path.startsWith('/?') || path.startsWith('/#'))) return base + path.slice(1);
  return base.replace(/\/$/, '') + path;
}

/** Sends `spec` to `joinUrl(base, spec.path)` and observes the response. Never throws. */
export async function send(base: string, spec: RequestSpec, options: SendOptions): Promise<StepObservation> {
  const abortByCase = new AbortController();
  const signals = [options.signal, abortByCase.signal];
  const { body, contentType } = encodeBody(spec, AbortSignal.any(signals));
  const headers: Record<string, string> = { ...(spec.headers ?? {}) };
  if (contentType && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = contentType;
  const abortTimer = spec.abortAfterMs !== undefined ? setTimeout(() => abortByCase.abort(), spec.abortAfterMs) : undefined;
  const seen: StepObservation = {};
  const started = performance.now();
  const since = () => Math.round((performance.now() - started) * 10) / 10;
  let notified = false;
  const notify = () => {
    if (!notified) {
      notified = true;
      options.onFirstChunk?.();
    }
  };
  const hash = createHash('sha256');
  const kept: Buffer[] = [];
  let length = 0;
  try {
    const response = await request(joinUrl(base, spec.path), {
      method: spec.method as 'GET',
      headers,
      body,
      dispatcher: options.agent,
      signal: AbortSignal.any(signals),
      headersTimeout: 0,
      bodyTimeout: 0,
      // The field lines as received, in order, names unchanged: a map by name would merge two
      // Set-Cookie lines and one folded line into the same thing.
      responseHeaders: 'raw',
    });
    seen.status = response.statusCode;
    // With responseHeaders: 'raw', undici gives `headers` as a flat [name, value, ...] string list;
    // its type still says IncomingHttpHeaders.
    seen.headerFields = pairFields(response.headers as unknown as string[]);
    seen.headersAtMs = since();
    seen.chunks = [];
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      seen.chunks.push({ atMs: since(), bytes: chunk.length });
      hash.update(chunk);
      if (length < BODY_TEXT_LIMIT) kept.push(chunk);
      length += chunk.length;
      notify();
    }
  } catch (error) {
    if (abortByCase.signal.aborted) seen.aborted = true;
    else if (options.signal.aborted) seen.timedOut = true;
    else seen.error = seenError(error);
  } finally {
    clearTimeout(abortTimer);
    notify();
  }
  if (seen.chunks) {
    const bytes = Buffer.concat(kept);
    const text = bytes.toString('utf8');
    seen.bodyLength = length;
    seen.bodySha256 = hash.digest('hex');
    seen.bodyExcerpt = text.slice(0, BODY_EXCERPT_LIMIT);
    if (length <= BODY_TEXT_LIMIT) seen.bodyText = text;
  }
  return seen;
}

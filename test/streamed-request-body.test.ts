/**
 * A request body given as `chunks` is sent as a stream: each chunk leaves the client on its own,
 * `intervalMs` after the previous one, with chunked transfer coding and no Content-Length, while the
 * client already reads the response. A plain node:http server records when each piece arrives.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../core/run/client.ts';
import { InputError } from '../schemas/input-error.ts';
import { loadCases } from '../core/cases/load-cases.ts';
import type { RequestSpec } from '../core/types.ts';
import { listen } from './support/listen.ts';
import { createClientAgent } from '../runners/client-agent.ts';

interface Seen {
  headers: IncomingMessage['headers'];
  pieces: Array<{ atMs: number; text: string }>;
}

describe('a request body sent as chunks', () => {
  const agent = createClientAgent();
  const seen: Seen[] = [];
  let server: Server;
  let base: string;

  beforeAll(async () => {
    // Records every piece of the request body as it arrives and echoes it at once, so the response
    // streams while the request body is still being sent.
    server = createServer((req, res) => {
      const started = performance.now();
      const record: Seen = { headers: req.headers, pieces: [] };
      seen.push(record);
      res.writeHead(200, { 'content-type': 'text/plain' });
      req.on('data', (data: Buffer) => {
        record.pieces.push({ atMs: performance.now() - started, text: data.toString('utf8') });
        res.write(data);
      });
      req.on('end', () => res.end());
    });
    base = await listen(server);
  });
  afterAll(async () => {
    await agent.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends each chunk apart, intervalMs after the previous one, and streams the echo back', async () => {
    const spec: RequestSpec = { method: 'POST', path: '/echo', body: { chunks: ['one;', 'two;', 'thrée'], intervalMs: 300 } };
    const observed = await send(base, spec, { agent, signal: AbortSignal.timeout(10_000) });
    const record = seen.at(-1)!;
    expect(record.headers['transfer-encoding']).toBe('chunked');
    expect(record.headers['content-length']).toBeUndefined();
    expect(record.headers['content-type']).toBe('text/plain;charset=UTF-8');
    // Each chunk arrives on its own, about 300 ms after the previous one (a wide margin for a loaded machine).
    expect(record.pieces.map((p) => p.text)).toEqual(['one;', 'two;', 'thrée']);
    for (let i = 1; i < record.pieces.length; i++) {
      expect(record.pieces[i].atMs - record.pieces[i - 1].atMs).toBeGreaterThan(150);
    }
    // The client read the echo of the first chunk before it sent the last: the response streams
    // while the request body is still going out.
    expect(observed.status).toBe(200);
    expect(observed.bodyText).toBe('one;two;thrée');
    const chunks = observed.chunks!;
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    expect(chunks.at(-1)!.atMs - chunks[0].atMs).toBeGreaterThan(300);
  });

  it('sends chunks back to back when no interval is given', async () => {
    const observed = await send(base, { method: 'PUT', path: '/', body: { chunks: ['a', 'b', 'c'] } }, { agent, signal: AbortSignal.timeout(10_000) });
    const record = seen.at(-1)!;
    expect(record.headers['transfer-encoding']).toBe('chunked');
    expect(record.pieces.map((p) => p.text).join('')).toBe('abc');
    expect(observed.bodyText).toBe('abc');
  });

  it('stops sending when the client aborts the request', async () => {
    const before = seen.length;
    const spec: RequestSpec = { method: 'POST', path: '/', body: { chunks: ['a', 'b', 'c'], intervalMs: 400 }, abortAfterMs: 200 };
    const observed = await send(base, spec, { agent, signal: AbortSignal.timeout(10_000) });
    expect(observed.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(seen.length).toBe(before + 1);
    expect(seen.at(-1)!.pieces.map((p) => p.text).join('')).toBe('a');
  });
});

describe('the chunks body in a case file', () => {
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (body: string) => `area: demo
feature: body
source: https://example.org/spec
cases:
  - id: demo/body/chunks
    title: streams its body
    route: |
      export default (request) => new Response(request.body)
    request: { method: POST, path: /, body: ${body} }
`;

  async function load(body: string) {
    dir = mkdtempSync(join(tmpdir(), 'edgecompat-chunks-'));
    writeFileSync(join(dir, 'body.yaml'), file(body));
    return loadCases([dir], dir);
  }

  it('loads chunks with an interval', async () => {
    const [loaded] = await load('{ chunks: [a, b], intervalMs: 300 }');
    expect(loaded.steps[0].request.body).toEqual({ chunks: ['a', 'b'], intervalMs: 300 });
  });

  it('refuses chunks beside another body form, and intervalMs without chunks', async () => {
    await expect(load('{ chunks: [a], text: a }')).rejects.toBeInstanceOf(InputError);
    await expect(load('{ text: a, intervalMs: 300 }')).rejects.toBeInstanceOf(InputError);
    await expect(load('{ chunks: [] }')).rejects.toBeInstanceOf(InputError);
  });
});

/**
 * Observations keep what the wire carried: the client records every header field line in order, so
 * the case `request-response/headers/multiple-set-cookie` passes on the node target itself and fails
 * when a proxy in front of it folds the two Set-Cookie lines into one comma-joined line (which a map
 * of one string per header name could not tell apart).
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinUrl, send } from '../core/run/client.ts';
import { fieldLines } from '../runners/header-fields.ts';
import { judge } from '../core/judge/judge.ts';
import { loadCases } from '../core/cases/load-cases.ts';
import { routeModule } from '../core/run/route-modules.ts';
import type { Case } from '../core/types.ts';
import { nodeRunner } from '../runners/node/runner.ts';
import { listen } from './support/listen.ts';
import { createClientAgent } from '../runners/client-agent.ts';

const CASE_ID = 'request-response/headers/multiple-set-cookie';
/** Connection-specific fields a proxy does not forward (RFC 9110 7.6.1); node:http frames the body itself. */
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/**
 * A proxy that forwards to `origin` and sends the response on with all Set-Cookie values joined by
 * ", " into one field line: the folding RFC 6265 section 3 says origin servers should not do.
 */
function foldingProxy(origin: string): Server {
  return createServer(async (req, res) => {
    try {
      const upstream = await request(joinUrl(origin, req.url ?? '/'), { method: req.method as 'GET' });
      const body = Buffer.from(await upstream.body.arrayBuffer());
      for (const [name, value] of Object.entries(upstream.headers)) {
        if (value === undefined || HOP.has(name)) continue;
        // A string, not an array: node:http then writes one field line.
        res.setHeader(name, Array.isArray(value) ? value.join(', ') : value);
      }
      res.setHeader('X-Folded-By', 'edgecompat-test');
      res.writeHead(upstream.statusCode).end(body);
    } catch (error) {
      res.writeHead(502).end(String(error));
    }
  });
}

describe('header field lines, end to end', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'edgecompat-header-fields-'));
  const runner = nodeRunner({}, { workDir, env: process.env, log: () => {} });
  const agent = createClientAgent();
  let proxy: Server | undefined;
  let testCase: Case;
  let direct: string;
  let proxied: string;

  const observe = (base: string) => send(base, testCase.steps[0].request, { agent, signal: AbortSignal.timeout(10_000) });

  beforeAll(async () => {
    testCase = (await loadCases(['suites/request-response/headers.yaml'])).find((c) => c.id === CASE_ID)!;
    const route = await routeModule(testCase);
    const loaded = await runner.start([route]);
    direct = loaded.urls.get(route.key)!;
    proxy = foldingProxy(direct);
    proxied = await listen(proxy);
  }, 30_000);

  afterAll(async () => {
    await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
    await runner.stop();
    await agent.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('passes the case on the target itself: two Set-Cookie field lines, in order', async () => {
    const seen = await observe(direct);
    expect(fieldLines(seen.headerFields, 'set-cookie')).toEqual(['a=1; Path=/; HttpOnly', 'b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT']);
    expect(judge(testCase, { steps: [seen] })).toEqual({ status: 'PASS', message: 'as expected' });
  });

  it('fails the case through the folding proxy: expected two field lines, saw one', async () => {
    const seen = await observe(proxied);
    expect(seen.status).toBe(200);
    // Names are kept as the sender spelled them.
    expect(seen.headerFields).toContainEqual(['X-Folded-By', 'edgecompat-test']);
    const verdict = judge(testCase, { steps: [seen] });
    expect(verdict.status).toBe('FAIL');
    expect(verdict.message).toMatch(/^expected 2 set-cookie field lines, saw 1: \["a=1; Path=\/; HttpOnly, b=2; Path=\/; Expires=Wed, 21 Oct 2037/);
  });
});

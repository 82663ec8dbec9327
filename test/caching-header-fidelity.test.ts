/**
 * The caching header-fidelity cases (suites/caching/header-fidelity.yaml) tell a faithful hop from
 * one that changes what a cache would see. The cases run on the node target directly (every case
 * passes), through a control proxy that only adds an unrelated header (every case still passes), and
 * through proxies that each make one change a CDN would notice: strip Cache-Control, rewrite it to
 * `private, no-store`, strip CDN-Cache-Control, strip ETag, strip Vary, fold the Set-Cookie field
 * lines into one; and two that act on the conditional-request side: one answers 304 itself when
 * If-None-Match matches the route's ETag (as only a cache may, and not even a cache for a 404), one
 * drops the request's conditional and cache fields before they reach the route. Each change must fail the cases that check what it changed
 * (named below), and only for that: every failure message names it.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../core/run/client.ts';
import { pairFields, type HeaderField } from '../runners/header-fields.ts';
import { judge } from '../core/judge/judge.ts';
import { loadCases } from '../core/cases/load-cases.ts';
import { routeModule } from '../core/run/route-modules.ts';
import type { Case, StepObservation, Verdict } from '../core/types.ts';
import { nodeRunner } from '../runners/node/runner.ts';
import { listen } from './support/listen.ts';
import { createClientAgent } from '../runners/client-agent.ts';
import { caseKey } from '../core/cases/case-keys.ts';

const SUITE = 'suites/caching/header-fidelity.yaml';
const ID = (name: string) => `caching/header-fidelity/${name}`;
const LOG = (m: string) => console.log(`[caching-header-fidelity.test] ${m}`);

/** Connection-specific fields (RFC 9110 7.6.1) and framing, which each hop sets for itself. */
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'proxy-connection', 'te', 'upgrade', 'trailer']);

/** What a proxy does to a list of header field lines (in wire order) before sending them on. */
type Rewrite = (fields: HeaderField[]) => HeaderField[];

/** What one proxy changes. */
interface Proxying {
  /** The response's field lines. */
  response?: Rewrite;
  /** The request's field lines, on the way to the route. */
  request?: Rewrite;
  /** Answers 304 without a body instead of the route's response when this says so. */
  notModified?: (requestFields: HeaderField[], status: number, responseFields: HeaderField[]) => boolean;
}

interface Mutation extends Proxying {
  name: string;
  /** What every failure message must mention: the field (or status) the mutation changed. */
  because: RegExp;
  /** Cases that must fail through this proxy (others may fail too, for the same reason). */
  mustFail: string[];
}

const named = (fields: HeaderField[], name: string) => fields.filter(([n]) => n.toLowerCase() === name);
const without = (name: string): Rewrite => (fields) => fields.filter(([n]) => n.toLowerCase() !== name);

/** Every Set-Cookie value joined with ", " on one line, where the first one was. */
const foldSetCookie: Rewrite = (fields) => {
  const cookies = named(fields, 'set-cookie').map(([, v]) => v);
  if (cookies.length < 2) return fields;
  const at = fields.findIndex(([n]) => n.toLowerCase() === 'set-cookie');
  const rest = without('set-cookie')(fields);
  const before = fields.slice(0, at).filter(([n]) => n.toLowerCase() !== 'set-cookie').length;
  return [...rest.slice(0, before), ['set-cookie', cookies.join(', ')], ...rest.slice(before)];
};

/** The entity tags of an If-None-Match value without their W/ prefix (weak comparison, RFC 9110 8.8.3.2). */
const opaqueTags = (value: string) => value.split(',').map((t) => t.trim().replace(/^W\//, ''));

/**
 * If-None-Match evaluated (RFC 9110 13.1.2, weak comparison) by a hop that is no cache, against the
 * route's ETag, whatever the route's status: the 200 cases catch the invented 304, the 404 case the
 * status a server must ignore preconditions for (13.2.1).
 */
const inventsNotModified: Proxying['notModified'] = (requestFields, _status, responseFields) => {
  const inm = named(requestFields, 'if-none-match').map(([, v]) => v).join(', ');
  const etag = named(responseFields, 'etag')[0]?.[1];
  if (!inm || !etag) return false;
  return inm.trim() === '*' || opaqueTags(inm).includes(etag.replace(/^W\//, ''));
};

const CONDITIONAL_AND_CACHE = ['if-none-match', 'if-modified-since', 'cache-control', 'pragma'];

const MUTATIONS: Mutation[] = [
  {
    name: 'strips Cache-Control',
    response: without('cache-control'),
    because: /cache-control/,
    mustFail: ['cache-control-directives-exact', 'cache-control-quoted-field-names', 'cache-control-no-store-kept', 'cache-control-private-kept', 'cdn-cache-control', 'route-304-keeps-validators', 'head-same-caching-headers-as-get'],
  },
  {
    name: 'rewrites Cache-Control to "private, no-store"',
    response: (fields) => [...without('cache-control')(fields), ['Cache-Control', 'private, no-store']],
    because: /cache-control/,
    mustFail: ['cache-control-directives-exact', 'cache-control-extension-directive', 'cache-control-immutable-kept', 'surrogate-control', 'set-cookie-lines-with-cache-control', 'redirect-keeps-cache-control'],
  },
  {
    name: 'strips CDN-Cache-Control',
    response: without('cdn-cache-control'),
    because: /cdn-cache-control/,
    mustFail: ['cdn-cache-control', 'cloudflare-cdn-cache-control', 'vercel-cdn-cache-control', 'head-same-caching-headers-as-get', 'streamed-response-keeps-caching-headers'],
  },
  {
    name: 'strips ETag',
    response: without('etag'),
    because: /etag/,
    mustFail: ['etag-strong', 'etag-weak', 'no-invented-304-strong-etag', 'no-invented-304-weak-etag', 'preconditions-ignored-on-404', 'route-304-keeps-validators'],
  },
  {
    name: 'strips Vary',
    response: without('vary'),
    because: /vary/,
    mustFail: ['vary-two-fields', 'vary-member-kept', 'vary-star-kept', 'route-304-keeps-validators', 'head-same-caching-headers-as-get'],
  },
  {
    name: 'folds the Set-Cookie field lines into one',
    response: foldSetCookie,
    because: /set-cookie/,
    mustFail: ['set-cookie-lines-with-cache-control'],
  },
  {
    name: 'answers 304 itself when If-None-Match matches the ETag, whatever the status',
    notModified: inventsNotModified,
    because: /expected status (200|404), saw 304/,
    mustFail: ['no-invented-304-strong-etag', 'no-invented-304-weak-etag', 'preconditions-ignored-on-404'],
  },
  {
    name: 'drops If-None-Match, If-Modified-Since, Cache-Control and Pragma from the request',
    request: (fields) => fields.filter(([n]) => !CONDITIONAL_AND_CACHE.includes(n.toLowerCase())),
    because: /if-none-match|if-modified-since|cache-control|pragma|status 304/,
    mustFail: ['if-none-match-reaches-route', 'if-modified-since-reaches-route', 'request-cache-control-no-cache-reaches-route', 'request-cache-control-max-age-0-reaches-route', 'pragma-no-cache-reaches-route', 'reload-request-headers-reach-route', 'no-invented-304-strong-etag', 'route-304-keeps-validators'],
  },
];

/** The control: an unrelated header added, nothing else touched. */
const CONTROL: Proxying = { response: (fields) => [...fields, ['x-proxy', '1']] };

/** The cases that echo request fields: the response-side mutations leave them passing. */
const REQUEST_SIDE = ['if-none-match-reaches-route', 'reload-request-headers-reach-route'];

/**
 * A proxy on 127.0.0.1 in front of every route: `/<key>/<path>` goes to that route's server as
 * `/<path>` with the request's end-to-end field lines, and the response comes back with its status,
 * its field lines (as received, in order) and its body; `how` says what it changes on the way.
 */
function proxy(origins: Map<string, string>, how: Proxying, dispatcher: Agent): Server {
  const same: Rewrite = (fields) => fields;
  return createServer(async (req, res) => {
    try {
      const match = /^\/([a-z0-9-]+)(\/.*)?$/.exec(req.url ?? '');
      const origin = match && origins.get(match[1]);
      if (!origin) return void res.writeHead(404).end('no such route');
      const requestFields = (how.request ?? same)(pairFields(req.rawHeaders).filter(([n]) => !HOP.has(n.toLowerCase())));
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const upstream = await request(`${origin}${match[2] ?? '/'}`, {
        method: req.method as 'GET',
        headers: requestFields.flat(),
        body: hasBody ? req : undefined,
        dispatcher,
        responseHeaders: 'raw',
      });
      const fields = (how.response ?? same)(pairFields(upstream.headers as unknown as string[]).filter(([n]) => !HOP.has(n.toLowerCase())));
      const notModified = how.notModified?.(requestFields, upstream.statusCode, fields) ?? false;
      // One appendHeader per line: node:http then writes one field line each, in this order.
      for (const [name, value] of fields) res.appendHeader(name, value);
      res.writeHead(notModified ? 304 : upstream.statusCode);
      if (notModified) await upstream.body.dump();
      else for await (const chunk of upstream.body) res.write(chunk);
      res.end();
    } catch (error) {
      if (!res.headersSent) res.writeHead(502).end(String(error));
      else res.destroy();
    }
  });
}

describe('caching header fidelity through proxies in front of the node target', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'edgecompat-caching-fidelity-'));
  const runner = nodeRunner({}, { workDir, env: process.env, log: () => {} });
  const agent = createClientAgent();
  const upstreamAgent = new Agent({ pipelining: 0, connections: 64, keepAliveTimeout: 1000 });
  const servers: Server[] = [];
  const proxied = new Map<Proxying, string>();
  let cases: Case[] = [];
  let origins = new Map<string, string>();

  /** Runs every step of a case against `base` in order and judges it. */
  async function runCase(testCase: Case, base: string): Promise<Verdict> {
    const steps: StepObservation[] = [];
    for (const step of testCase.steps) steps.push(await send(base, step.request, { agent, signal: AbortSignal.timeout(10_000) }));
    return judge(testCase, { steps });
  }

  /** Every case through `via` (undefined: direct), as `caseId -> verdict`. */
  async function runAll(via?: Proxying): Promise<Map<string, Verdict>> {
    const verdicts = await Promise.all(
      cases.map(async (c) => {
        const key = caseKey(c.id);
        const base = via ? `${proxied.get(via)}/${key}` : origins.get(key)!;
        return [c.id, await runCase(c, base)] as const;
      }),
    );
    return new Map(verdicts);
  }

  const failing = (verdicts: Map<string, Verdict>) => [...verdicts].filter(([, v]) => v.status !== 'PASS');

  beforeAll(async () => {
    cases = await loadCases([SUITE]);
    const routes = await Promise.all(cases.map((c) => routeModule(c)));
    const loaded = await runner.start(routes);
    expect(loaded.failures.size).toBe(0);
    origins = loaded.urls;
    for (const how of [CONTROL, ...MUTATIONS]) {
      const server = proxy(origins, how, upstreamAgent);
      servers.push(server);
      proxied.set(how, await listen(server));
    }
  }, 60_000);

  afterAll(async () => {
    await agent.close();
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await upstreamAgent.close();
    await runner.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('loads at least 20 cases, and every case named below exists', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
    const ids = new Set(cases.map((c) => c.id));
    for (const m of MUTATIONS) for (const name of m.mustFail) expect(ids, name).toContain(ID(name));
  });

  it('passes every case on the node target directly', async () => {
    expect(failing(await runAll())).toEqual([]);
  });

  it('passes every case through the control proxy, which only adds x-proxy: 1', async () => {
    const verdicts = await runAll(CONTROL);
    expect(failing(verdicts)).toEqual([]);
    // The control did run in between: its header reached the client.
    const testCase = cases.find((c) => c.id === ID('etag-strong'))!;
    const seen = await send(`${proxied.get(CONTROL)}/${caseKey(testCase.id)}`, testCase.steps[0].request, { agent, signal: AbortSignal.timeout(10_000) });
    expect(seen.headerFields).toContainEqual(['x-proxy', '1']);
  });

  for (const mutation of MUTATIONS) {
    it(`fails the cases it concerns through a proxy that ${mutation.name}`, async () => {
      const failed = failing(await runAll(mutation));
      const failedIds = failed.map(([id]) => id);
      LOG(`proxy that ${mutation.name}: ${failedIds.length} of ${cases.length} fail: ${failedIds.map((id) => id.split('/').pop()).join(', ')}`);
      expect(failedIds.length).toBeGreaterThan(0);
      for (const name of mutation.mustFail) expect(failedIds, `${name} should fail when the proxy ${mutation.name}`).toContain(ID(name));
      // Each failure is for what the mutation changed and nothing else.
      for (const [id, verdict] of failed) {
        expect(verdict.status, id).toBe('FAIL');
        expect(verdict.message, id).toMatch(mutation.because);
      }
      // A proxy that leaves requests alone leaves the cases that echo request fields passing.
      if (!mutation.request) for (const name of REQUEST_SIDE) expect(failedIds).not.toContain(ID(name));
    });
  }
});

/**
 * A platform's HTTP cache in front of one origin: a caching reverse proxy whose storage, freshness,
 * Vary, validation and stale-while-revalidate decisions are http-cache-semantics's (RFC 9111, RFC
 * 5861), configured by a platform profile for what the platform documents on top: which header's
 * directives win, what it bypasses or will not store, what the client is sent, the status header.
 * It listens on 127.0.0.1 on a port the OS picks, streams every response through as it arrives
 * (storing a copy when it may), and keeps its entries in memory.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fresh from 'fresh';
import CachePolicy from 'http-cache-semantics';
import { request } from 'undici';
import { fieldValue, pairFields, type HeaderField } from '../header-fields.ts';
import type { CacheProfile } from '../../profiles/profiles.ts';
import { bypassReason, cacheKey, clientFields, endToEnd, headerRecord, notStoredReason, policyHeaders } from './rules.ts';
import { createClientAgent } from '../client-agent.ts';

/** Responses larger than this are passed on but not stored. */
export const MAX_STORED_BYTES = 10 * 1024 * 1024;
/** Variants (by Vary) kept per cache key, newest first. */
const MAX_VARIANTS = 8;
/** Methods RFC 9110 calls safe: any other one invalidates what is stored for its URL (RFC 9111 4.4). */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

interface Entry {
  /** The request target it was stored for (path and query), to refresh it from. */
  target: string;
  policy: CachePolicy;
  status: number;
  /** The origin's end-to-end field lines, as the origin sent them. */
  fields: HeaderField[];
  body: Buffer;
  refreshing?: Promise<void>;
}

interface Upstream {
  status: number;
  fields: HeaderField[];
  body: AsyncIterable<Buffer>;
}

/** What the proxy did with a request, as its status header says. */
export type CacheOutcome = 'hit' | 'miss' | 'stale' | 'revalidated' | 'bypass' | 'uncached';

/** A started caching proxy. */
export class CachingProxy {
  private readonly store = new Map<string, Entry[]>();
  private readonly background = new Set<Promise<void>>();
  private readonly inFlight = new Set<AbortController>();
  /**
   * Connections to the origin: the client's pool settings (no pipelining, idle connections dropped
   * after a second), not undici's global pool, whose 4 s idle reuse met a socket the origin had
   * closed (a 502 "read ECONNRESET" of the proxy's own, seen once on miniflare after a POST).
   */
  private readonly agent = createClientAgent();

  private constructor(
    private readonly cache: CacheProfile,
    private readonly origin: string,
    private readonly server: Server,
    /** The proxy's base URL: `http://127.0.0.1:<port>`. */
    readonly url: string,
  ) {}

  /** Starts a proxy in front of `origin` (an origin such as `http://127.0.0.1:4000`). */
  static async start(cache: CacheProfile, origin: string): Promise<CachingProxy> {
    let proxy!: CachingProxy;
    const server = createServer((req, res) => {
      proxy.handle(req, res).catch((error: Error) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`edgecompat cache proxy: ${error.message}`);
        else res.destroy(error);
      });
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    proxy = new CachingProxy(cache, new URL(origin).origin, server, `http://127.0.0.1:${port}`);
    return proxy;
  }

  /** Stops listening, aborts what is in flight to the origin and waits for background refreshes. */
  async stop(): Promise<void> {
    for (const controller of this.inFlight) controller.abort();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.allSettled([...this.background]);
    await this.agent.close();
  }

  private status(outcome: CacheOutcome): string {
    const s = this.cache.status.value;
    const byOutcome: Record<CacheOutcome, string> = {
      hit: s.hit,
      miss: s.miss,
      stale: s.stale ?? s.hit,
      revalidated: s.revalidated ?? s.hit,
      bypass: s.bypass,
      uncached: s.uncached ?? s.miss,
    };
    return byOutcome[outcome];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://edgecompat.invalid');
    const headers = pairFields(req.rawHeaders);
    const target = req.url ?? '/';
    const forward = () => this.fetch(target, method, endToEnd(headers).filter(([n]) => n.toLowerCase() !== 'host'), req, res);
    const pass = async (outcome: CacheOutcome) => this.send(res, method, await forward(), outcome);
    // A cache that is not in front of the platform's routes never sees their responses: they go
    // out as the route made them, with none of the cache's rules applied and no status header.
    if (!this.cache.inFrontOfRoutes.value) return this.relay(res, method, await forward());
    if (!SAFE.has(method)) {
      this.store.delete(cacheKey(this.cache, url));
      return pass('uncached');
    }
    const headAsGet = method === 'HEAD' && this.cache.headAsGet?.value === true;
    const lookup = headAsGet ? 'GET' : method;
    if (!(this.cache.methods.value as string[]).includes(lookup)) return pass('uncached');
    if (bypassReason(this.cache, url, headers)) return pass('bypass');
    const key = cacheKey(this.cache, url);
    const policyRequest = { url: key, method: lookup, headers: headerRecord(headers) };
    const entries = this.store.get(key) ?? [];
    for (const entry of entries) {
      const { response, revalidation } = entry.policy.evaluateRequest(policyRequest);
      if (!response) continue;
      if (revalidation) this.refreshInBackground(key, entry, revalidation.headers);
      return this.sendStored(res, method, entry, revalidation ? 'stale' : 'hit', policyRequest.headers);
    }
    const newest = entries[0];
    const forwarded = newest ? newest.policy.revalidationHeaders(policyRequest) : policyRequest.headers;
    const upstream = await this.fetch(target, lookup, toFields(forwarded), req, res);
    if (newest && upstream.status === 304) {
      const { modified, entry } = this.revalidated(newest, policyRequest, upstream, newest.body);
      if (!modified && entry) {
        await drain(upstream.body);
        this.keep(key, entry, newest);
        return this.sendStored(res, method, entry, 'revalidated', policyRequest.headers);
      }
    }
    await this.send(res, method, upstream, 'miss', (body) => this.storeIfAllowed(key, target, policyRequest, upstream, body));
  }

  /**
   * Sends a request for `target` on to the origin. With the client's `req` and `res`, the client's
   * body goes with it and the request is aborted when the client goes away first.
   */
  private async fetch(target: string, method: string, fields: HeaderField[], req?: IncomingMessage, res?: ServerResponse): Promise<Upstream> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    res?.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const upstream = await request(this.origin + target, {
      method: method as 'GET',
      dispatcher: this.agent,
      headers: fields.flat(),
      body: hasBody ? req : undefined,
      signal: controller.signal,
      responseHeaders: 'raw',
      headersTimeout: 0,
      bodyTimeout: 0,
    }).finally(() => this.inFlight.delete(controller));
    if (!hasBody) req?.resume();
    return { status: upstream.statusCode, fields: pairFields(upstream.headers as unknown as string[]), body: upstream.body as AsyncIterable<Buffer> };
  }

  /**
   * What the origin's answer to a revalidation of `entry` makes of it. A 304 updates the stored
   * fields with its own (RFC 9111 3.2), and the cache reads its directives from the updated fields,
   * so a 304 without Cache-Control or a targeted field keeps the stored ones. `entry` is undefined
   * when the new response may not be stored (or, modified, no `body` is given for it).
   */
  private revalidated(entry: Entry, policyRequest: CachePolicy.Request, upstream: Omit<Upstream, 'body'>, body?: Buffer): { modified: boolean; entry?: Entry } {
    const read = upstream.status === 304 ? mergeFields(entry.fields, upstream.fields) : upstream.fields;
    const { policy, modified } = entry.policy.revalidatedPolicy(policyRequest, { status: upstream.status, headers: policyHeaders(this.cache, read) });
    if (!modified) return { modified, entry: { ...entry, policy, fields: read, refreshing: undefined } };
    if (!body || notStoredReason(this.cache, upstream.fields) || !policy.storable()) return { modified };
    return { modified, entry: { target: entry.target, policy, status: upstream.status, fields: endToEnd(upstream.fields), body } };
  }

  /** Streams an origin response to the client, handing the whole body to `stored` when it ends whole. */
  private async send(res: ServerResponse, method: string, upstream: Upstream, outcome: CacheOutcome, stored?: (body: Buffer) => void): Promise<void> {
    res.writeHead(upstream.status, clientFields(this.cache, upstream.fields, this.status(outcome)).flat());
    const kept: Buffer[] = [];
    let size = 0;
    for await (const chunk of upstream.body) {
      if (stored && size <= MAX_STORED_BYTES) kept.push(chunk);
      size += chunk.length;
      if (method !== 'HEAD') res.write(chunk);
    }
    res.end();
    if (stored && size <= MAX_STORED_BYTES) stored(Buffer.concat(kept));
  }

  /** Streams an origin response to the client unchanged but for its hop-by-hop fields. */
  private async relay(res: ServerResponse, method: string, upstream: Upstream): Promise<void> {
    res.writeHead(upstream.status, endToEnd(upstream.fields).flat());
    for await (const chunk of upstream.body) if (method !== 'HEAD') res.write(chunk);
    res.end();
  }

  /**
   * Answers from a stored response. A client's own conditional request that the stored response
   * satisfies gets a 304 (RFC 9111 4.3.2, the evaluation itself is the `fresh` package's, RFC 9110
   * 13.2), as a cache answering for the origin does.
   */
  private sendStored(res: ServerResponse, method: string, entry: Entry, outcome: CacheOutcome, request: CachePolicy.Headers): void {
    const age = String(Math.max(0, Math.round(entry.policy.age())));
    const fields = [...entry.fields.filter(([n]) => n.toLowerCase() !== 'age'), ['age', age] as HeaderField];
    const notModified = entry.status === 200 && fresh(request, { etag: fieldValue(fields, 'etag'), 'last-modified': fieldValue(fields, 'last-modified') });
    if (notModified) {
      const kept = fields.filter(([n]) => !['content-length', 'content-type', 'content-encoding', 'content-range'].includes(n.toLowerCase()));
      res.writeHead(304, clientFields(this.cache, kept, this.status(outcome)).flat());
      res.end();
      return;
    }
    res.writeHead(entry.status, clientFields(this.cache, fields, this.status(outcome)).flat());
    res.end(method === 'HEAD' ? undefined : entry.body);
  }

  private storeIfAllowed(key: string, target: string, policyRequest: CachePolicy.Request, upstream: Upstream, body: Buffer): void {
    if (notStoredReason(this.cache, upstream.fields)) return;
    const policy = new CachePolicy(policyRequest, { status: upstream.status, headers: policyHeaders(this.cache, upstream.fields) }, { shared: true, cacheHeuristic: 0 });
    if (!policy.storable() || policy.timeToLive() <= 0) return;
    this.keep(key, { target, policy, status: upstream.status, fields: endToEnd(upstream.fields), body });
  }

  /** Stores `entry` as the newest variant of `key`, in place of the entry it updates (if any). */
  private keep(key: string, entry: Entry, replacing?: Entry): void {
    const others = (this.store.get(key) ?? []).filter((e) => e !== replacing);
    this.store.set(key, [entry, ...others].slice(0, MAX_VARIANTS));
  }

  /** stale-while-revalidate: the stale response went out; the route runs once, in the background. */
  private refreshInBackground(key: string, entry: Entry, headers: CachePolicy.Headers): void {
    if (entry.refreshing) return;
    const refresh = (async () => {
      try {
        const upstream = await this.fetch(entry.target, 'GET', toFields(headers));
        const chunks: Buffer[] = [];
        for await (const chunk of upstream.body) chunks.push(chunk);
        const { entry: next } = this.revalidated(entry, { url: key, method: 'GET', headers }, upstream, Buffer.concat(chunks));
        if (next) this.keep(key, next, entry);
      } catch {
        // The stale entry stays; the next request past its lifetime tries again.
      } finally {
        delete entry.refreshing;
      }
    })();
    entry.refreshing = refresh;
    this.background.add(refresh);
    void refresh.finally(() => this.background.delete(refresh));
  }
}

function toFields(headers: CachePolicy.Headers): HeaderField[] {
  return Object.entries(headers)
    .filter(([name, value]) => name !== 'host' && value !== undefined)
    .flatMap(([name, value]) => (Array.isArray(value) ? value.map((v) => [name, v] as HeaderField) : [[name, String(value)] as HeaderField]));
}

/** A stored response's fields updated by a 304's (RFC 9111 section 3.2): the 304's lines replace those of the same name. */
function mergeFields(stored: HeaderField[], update: HeaderField[]): HeaderField[] {
  const fresh = endToEnd(update).filter(([n]) => !['content-length', 'content-encoding'].includes(n.toLowerCase()));
  const names = new Set(fresh.map(([n]) => n.toLowerCase()));
  return [...stored.filter(([n]) => !names.has(n.toLowerCase())), ...fresh];
}

async function drain(body: AsyncIterable<Buffer>): Promise<void> {
  for await (const _ of body);
}

/**
 * The caching proxy of runners/platform-cache in front of a plain origin on 127.0.0.1, for every
 * profile in profiles/: what it stores, what it passes by, and what the client is sent follow the
 * profile's data (so a profile edit changes what is asserted), and the origin's request count says
 * whether the "route" ran again.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { cacheProfileNames, loadCacheProfile, type CacheProfile } from '../profiles/profiles.ts';
import { CachingProxy } from '../runners/platform-cache/proxy.ts';
import { policyHeaders } from '../runners/platform-cache/rules.ts';
import { listen } from './support/listen.ts';

/** The origin answers with the headers its query asks for (`h=name:value`, repeatable) and counts runs. */
function origin(): { server: Server; runs: () => number } {
  let runs = 0;
  const server = createServer((req: IncomingMessage, res) => {
    runs++;
    const url = new URL(req.url ?? '/', 'http://origin.invalid');
    const headers: Array<[string, string]> = url.searchParams.getAll('h').map((h) => [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 1)]);
    res.writeHead(200, [...headers, ['x-invocation', String(runs)]].flat());
    res.end(`run ${runs}`);
  });
  return { server, runs: () => runs };
}

async function get(url: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  const res = await request(url, { method: (init.method ?? 'GET') as 'GET', headers: init.headers });
  const body = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body };
}

const query = (headers: Record<string, string>, extra = '') =>
  `/?${Object.entries(headers).map(([n, v]) => `h=${encodeURIComponent(`${n}:${v}`)}`).join('&')}${extra}`;

for (const name of cacheProfileNames()) {
  const measured = loadCacheProfile(name);
  // A profile whose cache is not in front of routes is measured as the cache it is in front of an origin.
  const cache: CacheProfile = { ...measured, inFrontOfRoutes: { ...measured.inFrontOfRoutes, value: true } };
  describe(`platform cache proxy: ${name}`, () => {
    const o = origin();
    let proxy: CachingProxy;
    let n = 0;
    /** Two GETs of one fresh URL with these response headers: did the origin run twice? */
    const ranTwice = async (headers: Record<string, string>, requestHeaders?: Record<string, string>) => {
      const path = query(headers, `&n=${n++}`);
      const before = o.runs();
      await get(proxy.url + path, { headers: requestHeaders });
      const second = await get(proxy.url + path, { headers: requestHeaders });
      return { twice: o.runs() - before === 2, second };
    };

    beforeAll(async () => {
      const base = await listen(o.server);
      proxy = await CachingProxy.start(cache, base);
    });
    afterAll(async () => {
      await proxy.stop();
      o.server.close();
    });

    it('stores a response with s-maxage and serves it with the status header and an Age', async () => {
      const { twice, second } = await ranTwice({ 'cache-control': 'public, s-maxage=60' });
      expect(twice).toBe(false);
      expect(second.headers[cache.status.value.header]).toBe(cache.status.value.hit);
      expect(second.headers.age).toMatch(/^\d+$/);
    });

    it('takes its directives from the first header of its precedence that is present', async () => {
      const [first, ...rest] = cache.precedence.value;
      // The most specific header says no-store, every other says s-maxage=60: not stored.
      const headers = Object.fromEntries([[first, 'no-store'], ...rest.map((h) => [h, 'public, s-maxage=60'])]);
      expect((await ranTwice(headers)).twice).toBe(true);
      // And the other way round: stored.
      const reversed = Object.fromEntries([[first, 'public, max-age=60'], ...rest.map((h) => [h, 'no-store'])]);
      expect((await ranTwice(reversed)).twice).toBe(false);
    });

    it("ignores another platform's targeted header", async () => {
      const foreign = ['vercel-cdn-cache-control', 'netlify-cdn-cache-control', 'cloudflare-cdn-cache-control'].filter((h) => !cache.precedence.value.includes(h));
      for (const header of foreign) {
        expect((await ranTwice({ [header]: 'no-store', 'cache-control': 'public, s-maxage=60' })).twice).toBe(false);
      }
    });

    it('passes on no-store and private responses without storing them', async () => {
      expect((await ranTwice({ 'cache-control': 'no-store' })).twice).toBe(true);
      expect((await ranTwice({ 'cache-control': 'private, max-age=60' })).twice).toBe(true);
    });

    it('stores only what its profile says it may', async () => {
      for (const rule of cache.notStored?.value ?? []) {
        const headers = rule.responseHeader ? { 'cache-control': 'public, s-maxage=60', [rule.responseHeader]: 'a=1' } : { 'cache-control': 'public, s-maxage=60', vary: rule.varyOn! };
        expect((await ranTwice(headers)).twice, JSON.stringify(rule)).toBe(true);
      }
      for (const rule of cache.bypass?.value ?? []) {
        const requestHeaders = rule.requestHeader ? { [rule.requestHeader]: 'x' } : rule.cookie ? { cookie: `${rule.cookie}=1` } : undefined;
        const path = query({ 'cache-control': 'public, s-maxage=60' }, `&n=${n++}${rule.query ? `&${rule.query}=1` : ''}`);
        const before = o.runs();
        await get(proxy.url + path, { headers: requestHeaders });
        const second = await get(proxy.url + path, { headers: requestHeaders });
        expect(o.runs() - before, JSON.stringify(rule)).toBe(2);
        expect(second.headers[cache.status.value.header]).toBe(cache.status.value.bypass);
      }
    });

    it('keys on the query string as its profile says', async () => {
      const path = query({ 'cache-control': 'public, s-maxage=60' }, `&n=${n++}`);
      const before = o.runs();
      await get(`${proxy.url}${path}&a=1`);
      await get(`${proxy.url}${path}&a=2`);
      expect(o.runs() - before).toBe(cache.queryInKey.value ? 2 : 1);
    });

    it('caches only the methods its profile lists', async () => {
      const path = query({ 'cache-control': 'public, s-maxage=60' }, `&n=${n++}`);
      const before = o.runs();
      await get(proxy.url + path, { method: 'HEAD' });
      await get(proxy.url + path, { method: 'HEAD' });
      const headCached = cache.methods.value.includes('HEAD') || cache.methods.value.includes('GET') && cache.headAsGet?.value === true;
      expect(o.runs() - before).toBe(headCached ? 1 : 2);
      const post = query({ 'cache-control': 'public, s-maxage=60' }, `&n=${n++}`);
      const beforePost = o.runs();
      await get(proxy.url + post, { method: 'POST' });
      await get(proxy.url + post, { method: 'POST' });
      expect(o.runs() - beforePost).toBe(2);
    });

    it('sends the client what its profile says: consumed headers dropped, Cache-Control rewritten', async () => {
      const headers: Record<string, string> = { 'cache-control': 'public, s-maxage=60', 'x-kept': 'yes' };
      for (const h of cache.notForwarded?.value ?? []) headers[h] = 'max-age=60';
      const { second } = await ranTwice(headers);
      expect(second.headers['x-kept']).toBe('yes');
      for (const h of cache.notForwarded?.value ?? []) expect(second.headers[h]).toBeUndefined();
      const rewrite = cache.clientCacheControl?.value;
      expect(second.headers['cache-control']).toBe(rewrite ? rewrite.becomes : 'public, s-maxage=60');
    });

    it("answers a client's conditional request from a stored response with 304 when the validator matches", async () => {
      const path = query({ 'cache-control': 'public, s-maxage=60', etag: '"v1"' }, `&n=${n++}`);
      const before = o.runs();
      await get(proxy.url + path);
      const matching = await get(proxy.url + path, { headers: { 'if-none-match': '"v1"' } });
      const other = await get(proxy.url + path, { headers: { 'if-none-match': '"v0"' } });
      expect(o.runs() - before).toBe(1);
      expect([matching.status, matching.body, matching.headers.etag]).toEqual([304, '', '"v1"']);
      expect(other.status).toBe(200);
    });

    it('serves stale while revalidating only when its profile honours stale-while-revalidate', async () => {
      const path = query({ 'cache-control': 'public, s-maxage=1, stale-while-revalidate=60' }, `&n=${n++}`);
      const first = await get(proxy.url + path);
      await new Promise((r) => setTimeout(r, 2200));
      const second = await get(proxy.url + path);
      expect(second.body === first.body).toBe(cache.staleWhileRevalidate.value);
    });
  });
}

describe('platform cache rules', () => {
  it('a targeted header replaces Cache-Control and Expires for the cache, as RFC 9213 says', () => {
    const cache = loadCacheProfile('vercel');
    const seen = policyHeaders(cache, [['Cache-Control', 'no-store'], ['Expires', 'Thu, 01 Jan 1970 00:00:00 GMT'], ['CDN-Cache-Control', 'max-age=60']]);
    expect(seen['cache-control']).toBe('max-age=60');
    expect(seen.expires).toBeUndefined();
  });
});

describe('platform cache proxy: a cache not in front of routes', () => {
  it('relays every response as the route made it: nothing stored, nothing stripped, no status header', async () => {
    const cache = loadCacheProfile('cloudflare');
    expect(cache.inFrontOfRoutes.value).toBe(false);
    const o = origin();
    const proxy = await CachingProxy.start(cache, await listen(o.server));
    try {
      const headers = Object.fromEntries([...cache.precedence.value, ...(cache.notForwarded?.value ?? [])].map((h) => [h, 'public, max-age=60']));
      const path = query(headers);
      await get(proxy.url + path);
      const second = await get(proxy.url + path);
      expect(o.runs()).toBe(2);
      for (const h of Object.keys(headers)) expect(second.headers[h]).toBe('public, max-age=60');
      expect(second.headers[cache.status.value.header]).toBeUndefined();
    } finally {
      await proxy.stop();
      o.server.close();
    }
  });
});

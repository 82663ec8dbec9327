// A Cloudflare Worker: a small JSON API over the quotes of src/quotes.ts.
// GET /quotes            every quote
// GET /quotes/:id        one quote, or 404
// GET /today?day=...     the quote of a day, kept in the Cache API for an hour (x-cache: HIT or MISS)
import { QUOTES, quoteOfTheDay } from './quotes';

const json = (data: unknown, init: ResponseInit = {}) => Response.json(data, init);

async function today(request: Request): Promise<Response> {
  // Cloudflare's Cache API: caches.default, keyed by the request's URL.
  // https://developers.cloudflare.com/workers/runtime-apis/cache/
  const cache = (caches as unknown as { default: Cache }).default;
  const hit = await cache.match(request);
  if (hit) {
    const response = new Response(hit.body, hit);
    response.headers.set('x-cache', 'HIT');
    return response;
  }
  const day = new URL(request.url).searchParams.get('day') ?? new Date().toISOString().slice(0, 10);
  const response = json(quoteOfTheDay(day), { headers: { 'cache-control': 'public, max-age=3600' } });
  await cache.put(request, response.clone());
  response.headers.set('x-cache', 'MISS');
  return response;
}

export default {
  async fetch(request: Request): Promise<Response> {
    if (request.method !== 'GET') return json({ error: 'method not allowed' }, { status: 405, headers: { allow: 'GET' } });
    const { pathname } = new URL(request.url);
    if (pathname === '/quotes') return json(QUOTES);
    const one = /^\/quotes\/(\d+)$/.exec(pathname);
    if (one) {
      const quote = QUOTES.find((q) => q.id === Number(one[1]));
      return quote ? json(quote) : json({ error: 'no such quote' }, { status: 404 });
    }
    if (pathname === '/today') return today(request);
    return json({ error: 'not found' }, { status: 404 });
  },
};

/**
 * A platform profile's cache rules applied to one request or response: which header the cache
 * takes its directives from, what it bypasses or refuses to store, what the client is sent. Pure;
 * the freshness, Vary and validation rules themselves are http-cache-semantics's (RFC 9111).
 */
import { fieldLines, fieldValue, type HeaderField } from '../header-fields.ts';
import type { CacheProfile } from '../../profiles/profiles.ts';

/** Hop-by-hop fields (RFC 9110 section 7.6.1): a proxy never passes them on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authenticate', 'proxy-authorization']);

/** The end-to-end field lines of `fields` (hop-by-hop ones and those Connection names dropped). */
export function endToEnd(fields: readonly HeaderField[]): HeaderField[] {
  const named = new Set(fieldLines(fields, 'connection').flatMap((v) => v.split(',')).map((n) => n.trim().toLowerCase()));
  return fields.filter(([n]) => !HOP_BY_HOP.has(n.toLowerCase()) && !named.has(n.toLowerCase()));
}

/**
 * The fields as http-cache-semantics reads them (lower-case names, one value per name, Set-Cookie a
 * list), with the directives the platform's cache obeys as Cache-Control: the first header of the
 * profile's precedence that is present (RFC 9213: a targeted field replaces Cache-Control and
 * Expires for the caches it targets), else the profile's default for a route that sets none.
 */
export function policyHeaders(cache: CacheProfile, fields: readonly HeaderField[]): Record<string, string | string[]> {
  const out = headerRecord(fields);
  const winner = cache.precedence.value.find((name) => fieldValue(fields, name) !== undefined);
  if (winner && winner !== 'cache-control') {
    out['cache-control'] = fieldValue(fields, winner)!;
    delete out.expires;
    delete out.pragma;
  } else if (!winner && cache.defaultCacheControl) {
    out['cache-control'] = cache.defaultCacheControl.value;
  }
  if (!cache.staleWhileRevalidate.value && typeof out['cache-control'] === 'string') {
    out['cache-control'] = out['cache-control'].split(',').filter((d) => !/^\s*stale-while-revalidate\b/i.test(d)).join(',');
  }
  return out;
}

/**
 * Field lines as the lower-case name -> value record http-cache-semantics reads: the lines of a
 * name joined with ", " (RFC 9110 5.3), Set-Cookie's kept as a list since they cannot be joined.
 */
export function headerRecord(fields: readonly HeaderField[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name] of fields) {
    const lower = name.toLowerCase();
    if (!(lower in out)) out[lower] = lower === 'set-cookie' ? fieldLines(fields, lower) : fieldValue(fields, lower)!;
  }
  return out;
}

/** Why the profile's cache passes this request by without looking (undefined: it does not). */
export function bypassReason(cache: CacheProfile, url: URL, headers: readonly HeaderField[]): string | undefined {
  const cookies = fieldLines(headers, 'cookie').flatMap((v) => v.split(';')).map((c) => c.trim().split('=')[0]);
  for (const rule of cache.bypass?.value ?? []) {
    if (rule.requestHeader && fieldValue(headers, rule.requestHeader) !== undefined) return `request header ${rule.requestHeader}`;
    if (rule.cookie && cookies.includes(rule.cookie)) return `cookie ${rule.cookie}`;
    if (rule.query && url.searchParams.has(rule.query)) return `query parameter ${rule.query}`;
  }
  return undefined;
}

/** Why the profile's cache will not store this response (undefined: the profile has no objection). */
export function notStoredReason(cache: CacheProfile, fields: readonly HeaderField[]): string | undefined {
  const vary = fieldLines(fields, 'vary').flatMap((v) => v.split(',')).map((n) => n.trim().toLowerCase());
  for (const rule of cache.notStored?.value ?? []) {
    if (rule.responseHeader && fieldValue(fields, rule.responseHeader) !== undefined) return `response header ${rule.responseHeader}`;
    if (rule.varyOn && vary.includes(rule.varyOn)) return `Vary: ${rule.varyOn}`;
  }
  return undefined;
}

/**
 * The field lines the client is sent: the route's end-to-end fields without those the cache
 * consumes, Cache-Control as the profile rewrites it (or its default when the route set none), and
 * the cache's status header last.
 */
export function clientFields(cache: CacheProfile, fields: readonly HeaderField[], status: string): HeaderField[] {
  const dropped = new Set(cache.notForwarded?.value ?? []);
  let out = endToEnd(fields).filter(([n]) => !dropped.has(n.toLowerCase()));
  const cacheControl = fieldValue(out, 'cache-control');
  const rewrite = cache.clientCacheControl?.value;
  if (cacheControl !== undefined && rewrite && directives(cacheControl).includes(rewrite.whenDirective)) {
    out = out.filter(([n]) => n.toLowerCase() !== 'cache-control');
    out.push(['cache-control', rewrite.becomes]);
  } else if (cacheControl === undefined && cache.defaultCacheControl) {
    out.push(['cache-control', cache.defaultCacheControl.value]);
  }
  out.push([cache.status.value.header, status]);
  return out;
}

/** The directive names of a Cache-Control value, in lower case. */
export function directives(value: string): string[] {
  return value.split(',').map((d) => d.split('=')[0].trim().toLowerCase()).filter(Boolean);
}

/** The cache key of a request target: its path, and its query when the profile keys on it. */
export function cacheKey(cache: CacheProfile, url: URL): string {
  return cache.queryInKey.value ? url.pathname + url.search : url.pathname;
}

/**
 * The routing convention shared by a bundled app, `edgecompat serve` and the http runner: case `key`
 * lives at `/ec/<key>` (and everything below it), and `/ec/__edgecompat` answers a JSON manifest of
 * what the app serves. A per-case path prefix keeps a CDN's cache key (which includes the path) from
 * ever mixing two cases.
 */
import { createHash } from 'node:crypto';
import type { RouteModule } from '../../types.ts';

/** The path prefix every case's route lives under. */
export const ROUTE_PREFIX = '/ec';
/** The manifest's key under the prefix; `_` never occurs in a case key, so it cannot collide. */
export const MANIFEST_KEY = '__edgecompat';
/** The manifest's path. */
export const MANIFEST_PATH = `${ROUTE_PREFIX}/${MANIFEST_KEY}`;

/** Why a served route did not load, as the manifest reports it. */
export interface ManifestFailure {
  name: string;
  message: string;
  phase?: 'load' | 'build' | 'deploy';
}

/** What `GET /ec/__edgecompat` answers. */
export interface Manifest {
  /** The edgecompat version that wrote the app (or runs the serve). */
  edgecompat: string;
  /** Where it runs: a bundle's platform ('cloudflare' ...) or 'serve'. */
  platform: string;
  /** What the app runs on, as it reports itself: `navigator.userAgent`, `deno 2.9.6`, or 'unknown'. */
  runtime: string;
  /** Every route key the app serves. */
  keys: string[];
  /** key -> a short hash of the route's source, so a stale deploy is noticed (see routeHash). */
  hashes?: Record<string, string>;
  /** key -> why the route did not load; present when asked with `?load=1`. */
  failures?: Record<string, ManifestFailure>;
}

/**
 * The short hash of a route that manifests carry: of the route as the case wrote it, so that the
 * same case matches whichever platform's bundle of it was deployed.
 */
export function routeHash(route: Pick<RouteModule, 'source' | 'origin'>): string {
  return createHash('sha256').update(route.origin?.source ?? route.source).digest('hex').slice(0, 16);
}

/** The base URL of case `key` under an app's base URL (no trailing slash either way). */
export function routeBase(appUrl: string, key: string): string {
  return `${appUrl.replace(/\/+$/, '')}${ROUTE_PREFIX}/${key}`;
}

/** Checks that a parsed JSON value is a manifest; returns it, or a message saying what is wrong. */
export function asManifest(value: unknown): Manifest | string {
  const m = value as Partial<Manifest> | null;
  if (m === null || typeof m !== 'object') return 'not a JSON object';
  if (typeof m.edgecompat !== 'string') return 'no "edgecompat" version';
  if (!Array.isArray(m.keys) || !m.keys.every((k) => typeof k === 'string')) return 'no "keys" list';
  return {
    edgecompat: m.edgecompat,
    platform: typeof m.platform === 'string' ? m.platform : 'unknown',
    runtime: typeof m.runtime === 'string' && m.runtime ? m.runtime : 'unknown',
    keys: m.keys,
    ...(m.hashes && typeof m.hashes === 'object' ? { hashes: m.hashes } : {}),
    ...(m.failures && typeof m.failures === 'object' ? { failures: m.failures } : {}),
  };
}

/**
 * `bundleApp`: writes a deployable app of every case's route for one platform. Layout:
 *
 *   routes/<key>.mjs   each route's module, byte for byte as the case gives it
 *   router.mjs         dispatches /ec/<key>[/...] to its route (lazily imported), answers the manifest
 *   <entry, config>    the platform's (see platforms.ts), e.g. worker.mjs + wrangler.toml + workerd.capnp
 *
 * Nothing is bundled or transformed, so what a route observes is what the platform gives it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { RouteModule } from '../../types.ts';
import { PLATFORM_FILES, PLATFORMS, type Platform } from './platforms.ts';
import { routeModulePath, routerSource } from './router-source.ts';

/** The compatibility date when neither the caller nor the installed workerd gives one. */
export const FALLBACK_COMPATIBILITY_DATE = '2026-11-17';

/** Options of bundleApp beyond the routes, platform and folder. */
export interface BundleOptions {
  /** The edgecompat version that writes the app, which its manifest names. */
  edgecompat: string;
  /** Cloudflare's compatibility date; default: the installed workerd's own date (so it starts under it). */
  compatibilityDate?: string;
  /** Cloudflare's compatibility flags (e.g. nodejs_compat). */
  compatibilityFlags?: string[];
}

/** What bundleApp wrote. */
export interface BundleResult {
  outDir: string;
  /** Every file written, relative to outDir, sorted. */
  files: string[];
}

/** The date of the installed workerd (its npm version is 1.YYYYMMDD.n), if there is one. */
export function installedWorkerdDate(): string | undefined {
  try {
    const version: string = createRequire(import.meta.url)('workerd/package.json').version;
    const m = /^\d+\.(\d{4})(\d{2})(\d{2})\./.exec(version);
    return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the app of `routes` for `platform` into `outDir` (created if needed; existing files are overwritten). */
export async function bundleApp(routes: RouteModule[], platform: Platform, outDir: string, options: BundleOptions): Promise<BundleResult> {
  // 1. Check the input: a known platform, keys that are safe file names and unique.
  if (!PLATFORMS.includes(platform)) throw new Error(`unknown platform "${platform}"; known: ${PLATFORMS.join(', ')}`);
  const seen = new Set<string>();
  for (const route of routes) {
    if (!/^[a-z0-9-]+$/.test(route.key)) throw new Error(`route key ${JSON.stringify(route.key)} (case ${route.caseId}) is not made of [a-z0-9-]`);
    if (seen.has(route.key)) throw new Error(`route key ${route.key} appears twice`);
    seen.add(route.key);
  }
  // 2. Gather the files: routes unchanged, the router, the platform's entry and config.
  const files = new Map<string, string>();
  for (const route of routes) files.set(routeModulePath(route.key), route.source);
  files.set('router.mjs', routerSource(routes, { platform, edgecompat: options.edgecompat }));
  const platformFiles = PLATFORM_FILES[platform]({
    router: 'router.mjs',
    modules: ['router.mjs', ...routes.map((r) => routeModulePath(r.key))],
    compatibilityDate: options.compatibilityDate ?? installedWorkerdDate() ?? FALLBACK_COMPATIBILITY_DATE,
    compatibilityFlags: options.compatibilityFlags ?? [],
  });
  for (const [path, text] of Object.entries(platformFiles)) files.set(path, text);
  // 3. Write them.
  const root = resolve(outDir);
  for (const [path, text] of files) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return { outDir: root, files: [...files.keys()].sort() };
}

/**
 * The http target: the cases against an app that is already deployed (a bundle from
 * `edgecompat bundle`, or `edgecompat serve`). Nothing is deployed here: start() reads the app's
 * manifest at `<url>/ec/__edgecompat?load=1` once, then maps each case key to `<url>/ec/<key>`.
 * A key the app does not serve (or serves with other source) is a load failure for that case; an
 * app that cannot be reached, or is not an edgecompat app, makes start() throw.
 */
import { Agent, request } from 'undici';
import { asManifest, MANIFEST_PATH, routeBase, routeHash, type Manifest } from './bundle/convention.ts';
import type { Loaded, LoadFailure, RouteModule, Runner, RunnerFactory, TargetConfig, TargetInfo } from '../types.ts';

/** How long the manifest request may take (a cold deploy loads every route for it). */
export const MANIFEST_TIMEOUT_MS = 30_000;

/** Reads and checks an app's manifest; throws an Error that names the URL and what went wrong. */
export async function fetchManifest(url: string, options: { load?: boolean; timeoutMs?: number } = {}): Promise<Manifest> {
  const at = `${url.replace(/\/+$/, '')}${MANIFEST_PATH}${options.load ? '?load=1' : ''}`;
  const agent = new Agent({ connections: 1 });
  try {
    let status: number;
    let text: string;
    try {
      const response = await request(at, { dispatcher: agent, signal: AbortSignal.timeout(options.timeoutMs ?? MANIFEST_TIMEOUT_MS), headers: { accept: 'application/json' } });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      const e = error as Error & { code?: string; cause?: { code?: string; message?: string } };
      const why = e.cause?.code ?? e.code ?? e.name;
      throw new Error(`cannot reach ${url}: GET ${at} failed (${why}: ${e.cause?.message ?? e.message})`);
    }
    if (status !== 200) throw new Error(`${url} is not an edgecompat app: GET ${at} answered ${status} (deploy one with \`edgecompat bundle\` or \`edgecompat serve\`)`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`${url} is not an edgecompat app: GET ${at} did not answer JSON: ${text.slice(0, 120)}`);
    }
    const manifest = asManifest(parsed);
    if (typeof manifest === 'string') throw new Error(`${url} is not an edgecompat app: the manifest at ${at} has ${manifest}`);
    return manifest;
  } finally {
    await agent.close();
  }
}

/** The Loaded of `routes` on an app with `manifest`: served keys get a URL, the others a load failure. */
export function loadedFromManifest(url: string, manifest: Manifest, routes: RouteModule[]): Loaded {
  const urls = new Map<string, string>();
  const failures = new Map<string, LoadFailure>();
  const served = new Set(manifest.keys);
  for (const route of routes) {
    const failure = manifest.failures?.[route.key];
    const hash = manifest.hashes?.[route.key];
    if (!served.has(route.key)) failures.set(route.key, { name: 'NotDeployed', message: `not deployed at ${url}`, phase: 'load' });
    else if (hash !== undefined && hash !== routeHash(route)) {
      failures.set(route.key, { name: 'StaleDeploy', message: `the route deployed at ${url} differs from the case's route (bundle and deploy again)`, phase: 'load' });
    } else if (failure) failures.set(route.key, { name: failure.name, message: failure.message, phase: failure.phase ?? 'load' });
    else urls.set(route.key, routeBase(url, route.key));
  }
  return { urls, failures };
}

/** The http runner; settings: `url` (required), the deployed app's base URL. */
export const httpRunner: RunnerFactory = (settings, ctx): Runner => {
  const url = typeof settings.url === 'string' ? settings.url.replace(/\/+$/, '') : '';
  let manifest: Promise<Manifest> | undefined;
  const read = (load: boolean) => fetchManifest(url, { load, timeoutMs: settings.timeoutMs as number | undefined });
  return {
    // A deployment is reached through its platform's own CDN, whatever that caches.
    provides: ['platform-cache'],
    async unavailable() {
      if (!url) return 'the http target needs a url setting (edgecompat run --url <url>)';
      if (!/^https?:\/\/[^/]/.test(url)) return `the http target's url "${url}" is not an http(s) URL`;
      return undefined;
    },

    async info(): Promise<TargetInfo> {
      // info() must not throw (an unreachable app is start()'s error to report): version is 'unknown' then.
      manifest ??= read(false);
      const version = await manifest.then((m) => m.runtime, () => 'unknown');
      return { runtime: 'http', version, settings: { url }, flags: [] };
    },

    async start(routes: RouteModule[]): Promise<Loaded> {
      // 1. One request, which also makes the app load every route, so top-level failures show up here.
      const current = await read(true);
      manifest = Promise.resolve(current);
      // 2. Map each case to its URL under the prefix, or to why it is not served.
      const loaded = loadedFromManifest(url, current, routes);
      ctx.log(`http: ${url} (${current.platform}, ${current.runtime}): ${loaded.urls.size} routes served, ${loaded.failures.size} not`);
      return loaded;
    },

    exited: () => new Promise(() => {}),
    async stop() {},
  };
};

/** One column per deployed URL, for `run --url` (named `http`, or `http-1`, `http-2` ... for several). */
export function urlTargets(urls: string[]): TargetConfig[] {
  return urls.map((url, i) => ({ name: urls.length === 1 ? 'http' : `http-${i + 1}`, runner: 'http', settings: { url } }));
}

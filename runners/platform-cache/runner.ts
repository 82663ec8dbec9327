/**
 * The platform-cache runner: a runtime's column with its platform's HTTP cache in front, so the
 * matrix shows, for example, edge-runtime alone and edge-runtime behind Vercel's cache side by side.
 * It starts the inner column's runner as that column would, and puts a caching proxy (proxy.ts,
 * configured by the platform's profile in profiles/) in front of every route it serves.
 *
 * Settings: `runtime` (the inner runner's name), `runtimeSettings` (its settings), `profile` (a file
 * name in profiles/, without .yaml).
 */
import { loadCacheProfile, loadProfile } from '../../profiles/profiles.ts';
import type { Loaded, Runner, RunnerFactory, TargetInfo } from '../types.ts';
import { CachingProxy } from './proxy.ts';

/** Makes the platform-cache factory, which finds the inner runner through `lookup`. */
export function platformCacheRunner(lookup: (name: string) => RunnerFactory | undefined): RunnerFactory {
  return (settings, ctx): Runner => {
    const runtime = String(settings.runtime ?? '');
    const factory = lookup(runtime);
    if (!factory) throw new Error(`platform-cache setting runtime "${runtime}" names no runner`);
    const profile = loadProfile(String(settings.profile ?? ''));
    const inner = factory((settings.runtimeSettings as Record<string, unknown> | undefined) ?? {}, ctx);
    let proxies: CachingProxy[] = [];
    const cache = loadCacheProfile(profile.platform);
    const where = cache.inFrontOfRoutes.value ? `behind ${profile.title}'s cache (a caching proxy per route)` : `with ${profile.title}'s cache not in front of routes (${cache.inFrontOfRoutes.source})`;
    /** Each served route behind a caching proxy of its own, started empty. */
    const proxied = async (loaded: Loaded, keep: (proxy: CachingProxy) => void): Promise<Loaded> => {
      const urls = new Map<string, string>();
      for (const [key, base] of loaded.urls) {
        const proxy = await CachingProxy.start(cache, base);
        keep(proxy);
        urls.set(key, proxy.url + new URL(base).pathname.replace(/\/$/, ''));
      }
      return { ...loaded, urls };
    };
    return {
      bundling: inner.bundling,
      isolation: inner.isolation && { ...inner.isolation, description: `${inner.isolation.description}, ${where}` },
      provides: ['platform-cache'],
      unavailable: () => inner.unavailable(),
      prepare: inner.prepare && ((routes) => inner.prepare!(routes)),
      async info(): Promise<TargetInfo> {
        const info = await inner.info();
        return { ...info, settings: { ...info.settings, platformCache: profile.platform } };
      },
      async start(routes): Promise<Loaded> {
        return proxied(await inner.start(routes), (proxy) => proxies.push(proxy));
      },
      // Warm hosts: the runtime's own, each case behind a new, empty caching proxy, stopped before the proof.
      verified: inner.verified && {
        proves: `${inner.verified.proves}; each case behind a caching proxy of its own, started empty`,
        blindTo: inner.verified.blindTo,
        async open(routes) {
          const host = await inner.verified!.open(routes);
          const serving = new Map<string, CachingProxy>();
          const unproxy = async (key: string) => {
            const proxy = serving.get(key);
            serving.delete(key);
            await proxy?.stop();
          };
          return {
            ...host,
            load: async (key) => proxied(await host.load(key), (proxy) => serving.set(key, proxy)),
            async prove(key) {
              await unproxy(key);
              return host.prove(key);
            },
            async stop() {
              await Promise.all([...serving.keys()].map(unproxy));
              await host.stop();
            },
          };
        },
      },
      exited: () => inner.exited(),
      async stop() {
        const stopping = proxies;
        proxies = [];
        await Promise.all(stopping.map((p) => p.stop()));
        await inner.stop();
      },
      outputCursor: inner.outputCursor && (() => inner.outputCursor!()),
      outputSince: inner.outputSince && ((cursor) => inner.outputSince!(cursor)),
    };
  };
}

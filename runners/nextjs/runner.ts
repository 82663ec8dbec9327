/**
 * The Next.js runner: hosts every route as an Edge API Route of one generated app (pages or app
 * router), built with `next build` (cached by a hash of every input) and served with next's
 * production server on a port the OS picks. Routes that `next build` refuses (eval, for example)
 * become 'build' failures and the others are served.
 *
 * Settings: `router`: 'pages' (default) | 'app'; `bundler`: 'turbopack' (default, as `next build`)
 * | 'webpack' (`next build --webpack`).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findBinary, PACKAGE_ROOT } from '../binaries.ts';
import type { Exit, Loaded, LoadFailure, Runner, RunnerFactory, TargetInfo } from '../types.ts';
import { appFiles, GENERATOR_VERSION, routeBasePath, type BundlerKind, type RouterKind } from './app.ts';
import { buildApp } from './build.ts';
import { buildHash, cacheRoot, pruneCache, readRecord, withBuildLock, writeRecord, type BuildRecord } from './build-cache.ts';
import { serveApp, type Served } from './serve.ts';

/** Finished builds kept in the cache; older ones are removed after a new build. */
const CACHE_KEEP = 12;

/** The build the last start() served, and whether it came from the cache. */
export interface BuildUse {
  dir: string;
  record: BuildRecord;
  reused: boolean;
}

/** The Runner, plus what the last start() built and the server's pid (for tests and diagnostics). */
export interface NextjsRunner extends Runner {
  lastBuild(): BuildUse | undefined;
  /** The pid of the running server (also its process group id), if one runs. */
  serverPid(): number | undefined;
}

/** The version of the next package that holds this binary (its package.json), else undefined. */
function nextVersion(binary: string): string | undefined {
  for (let dir = dirname(realpathSync(binary)); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'next') return pkg.version;
  }
  return undefined;
}

function setting<T extends string>(settings: Record<string, unknown>, name: string, allowed: readonly T[]): T {
  const value = settings[name] ?? allowed[0];
  if (!allowed.includes(value as T)) throw new Error(`nextjs runner: ${name} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`);
  return value as T;
}

/** Creates a Next.js column: `{ router: 'pages' | 'app', bundler: 'turbopack' | 'webpack' }`. */
export const nextjsRunner: RunnerFactory = (settings, ctx): NextjsRunner => {
  const router = setting<RouterKind>(settings, 'router', ['pages', 'app']);
  const bundler = setting<BundlerKind>(settings, 'bundler', ['turbopack', 'webpack']);
  let served: Served | undefined;
  let stopping = false;
  let last: BuildUse | undefined;
  const never = new Promise<Exit>(() => {});
  let exitWatch = never;

  const binary = (): string => {
    const lookup = findBinary('next', ctx.env);
    if ('missing' in lookup) throw new Error(lookup.missing);
    return lookup.path;
  };

  const stop = async (): Promise<void> => {
    stopping = true;
    const current = served;
    served = undefined;
    await current?.host.kill();
  };

  return {
    async unavailable() {
      const lookup = findBinary('next', ctx.env);
      if ('missing' in lookup) return lookup.missing;
      const require = createRequire(join(PACKAGE_ROOT, 'package.json'));
      for (const name of ['next', 'react', 'react-dom']) {
        try {
          require.resolve(`${name}/package.json`);
        } catch {
          return `${name} does not resolve from ${PACKAGE_ROOT} (npm ci installs it)`;
        }
      }
      return undefined;
    },

    async info(): Promise<TargetInfo> {
      const lookup = findBinary('next', ctx.env);
      const version = ('path' in lookup && nextVersion(lookup.path)) || 'unknown';
      return { runtime: 'nextjs', version, settings: { router, bundler }, flags: ['runtime=edge', `bundler=${bundler}`, `router=${router}`] };
    },

    async start(routes): Promise<Loaded> {
      if (served) await stop();
      stopping = false;
      const next = binary();
      // 1. The app as files, and the hash of everything that goes into its build.
      const files = appFiles(routes, { router, packageRoot: PACKAGE_ROOT });
      const hash = buildHash(files, { generator: GENERATOR_VERSION, next: nextVersion(next) ?? next, router, bundler, node: process.version });
      const dir = join(cacheRoot(PACKAGE_ROOT), hash);
      // 2. A finished build for this hash, or a new one (under a lock, so one process builds it).
      let reused = true;
      const record =
        readRecord(dir) ??
        (await withBuildLock(dir, async () => {
          const again = readRecord(dir);
          if (again) return again;
          reused = false;
          const started = Date.now();
          const keys = routes.map((route) => route.key);
          const outcome = await buildApp({ dir, files, keys, router, bundler, next, env: ctx.env, log: ctx.log });
          return writeRecord(dir, { hash, ...outcome, durationMs: Date.now() - started, finishedAt: new Date().toISOString() });
        }));
      last = { dir, record, reused };
      ctx.log(reused ? `nextjs: reusing build ${hash}` : `nextjs: built ${hash} in ${record.durationMs} ms (${record.passes} next build pass(es))`);
      if (!reused) pruneCache(cacheRoot(PACKAGE_ROOT), CACHE_KEEP);
      // 3. Serve what was built.
      const urls = new Map<string, string>();
      if (record.built.length > 0) {
        const current = await serveApp(dir, ctx.env);
        if (stopping) {
          await current.host.kill(); // stop() came while starting
          throw new Error('nextjs runner: stopped while starting');
        }
        served = current;
        exitWatch = current.host.exited.then((exit) => (stopping || served !== current ? never : exit));
        for (const key of record.built) urls.set(key, `http://127.0.0.1:${current.port}${routeBasePath(key)}`);
      }
      return { urls, failures: new Map<string, LoadFailure>(Object.entries(record.failures)) };
    },

    exited: () => exitWatch,
    stop,
    lastBuild: () => last,
    serverPid: () => served?.host.child.pid,
  };
};

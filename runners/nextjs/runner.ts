/**
 * The Next.js runner: hosts every route as an Edge API Route of one generated app (pages or app
 * router), built with `next build` (cached by a hash of every input) and served with next's
 * production server on a port the OS picks. Routes that `next build` refuses (eval, for example)
 * become 'build' failures and the others are served. The routes the engine's scan finds Next may
 * refuse (`scanFor`) are built first in an app of their own, so that a refusal costs a pass of a
 * small app rather than of every route (see `build` below).
 *
 * Routes that Next only warns about are built and served, with the warnings in `Loaded.warnings`.
 * Next bundles each route itself (`bundling: platform`): a route from a file is built where it lives,
 * so its relative imports and npm packages resolve as in the route's own project (see app.ts).
 *
 * Settings: `router`: 'pages' (default) | 'app'; `bundler`: 'turbopack' (default, as `next build`)
 * | 'webpack' (`next build --webpack`).
 */
import { existsSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findBinary, PACKAGE_ROOT } from '../host/binaries.ts';
import { BUNDLING } from '../bundling/platform-bundling.ts';
import type { Exit, Loaded, LoadFailure, RouteModule, Runner, RunnerFactory, TargetInfo, WarmHost } from '../types.ts';
import { appPlan, GENERATOR_VERSION, routeBasePath, type AppOptions, type AppPlan, type BundlerKind, type RouterKind } from './app.ts';
import { buildApp } from './build.ts';
import { nextDeployedCode } from './deployed-code.ts';
import { buildHash, cacheRoot, pruneCache, readRecord, withBuildLock, writeRecord, type BuildRecord } from './build-cache.ts';
import { routeInputs } from './route-inputs.ts';
import { HOST_SCRIPT, serveApp, type Served } from './serve.ts';
import { PROOF_KEY, proofRoute } from './proof-route.ts';
import { openWarmHost } from '../host/warm-process.ts';

/** Finished builds kept in the cache; older ones are removed after a new build. */
const CACHE_KEEP = 12;

/** The build the last start() served, and whether it came from the cache. */
export interface BuildUse {
  dir: string;
  /** The served build's record; its failures include those of the build apart. */
  record: BuildRecord;
  reused: boolean;
  /** The build of the routes the scan doubted, made first and apart (`doubtful`), if there were any. */
  apart?: BuildUse;
}

/**
 * What may make Next's app router refuse a route at build (Runner.scanFor): code from strings (a
 * compile error), a Node built-in or a throw or await at load (it loads each route while it collects
 * page data). Next reports every compile error of a pass, but only the first route that fails to
 * load while it collects page data, and a module shared by several routes under one of them; each
 * round of refusals is a pass, and a pass builds every route with it. The pages router loads no edge
 * API route at build: its refusals come in one pass, and building some apart would only add one.
 */
const DOUBTS = ['code-from-strings', 'node-builtins', 'top-level-throw'] as const;

/** Next.js bundles routes itself at `next build`, with its own resolution ("edge-light" first). */

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

/**
 * The app for these routes and the hash of every build input: the generated files, what each route
 * reads outside the app (route-inputs.ts), and the tools. Files written beside case files are named
 * after the hash, so the hash is taken over the plan before they are named.
 */
async function planBuild(
  routes: RouteModule[],
  options: Omit<AppOptions, 'inputs' | 'tag' | 'dir'>,
  tools: Record<string, unknown>,
): Promise<{ plan: AppPlan; hash: string; dir: string }> {
  const withOrigin = routes.filter((route) => route.origin);
  const inputs = new Map(await Promise.all(withOrigin.map(async (route) => [route.key, await routeInputs(route.origin!)] as const)));
  const cache = cacheRoot(options.packageRoot);
  const draft = appPlan(routes, { ...options, inputs, dir: join(cache, 'pending') });
  const hash = buildHash(draft.files, { ...tools, inputs: Object.fromEntries(inputs), beside: Object.fromEntries(draft.beside) });
  const dir = join(cache, hash);
  return { plan: appPlan(routes, { ...options, inputs, tag: hash, dir }), hash, dir };
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
  let prepared: { keys: Set<string>; use: Promise<BuildUse> } | undefined;
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

  /**
   * The build serving `routes`. The routes the scan doubts (RouteModule.hazards) are built first, in
   * an app of their own, so that Next's refusals among them cost passes of a small app; the app that
   * is served then holds every route not refused there, and builds in one pass unless the scan missed
   * a refusal (then two, or more if Next refuses in rounds what the scan missed). Each route's
   * refusal is still Next's own, in a build that holds it; a route that built apart is built again
   * with the others, which is the build served.
   */
  const build = async (routes: RouteModule[]): Promise<BuildUse> => {
    // The engine sets only the hazards asked for (DOUBTS): any is a doubt.
    const doubtful = routes.filter((route) => (route.hazards?.length ?? 0) > 0);
    if (doubtful.length === 0 || doubtful.length === routes.length) return buildOnce(routes);
    const apart = await buildOnce(doubtful);
    const refused = apart.record.failures;
    const served = await buildOnce(routes.filter((route) => !(route.key in refused)));
    ctx.log(`nextjs: ${doubtful.length} route(s) the scan doubted built apart in ${apart.record.passes} pass(es) (${Object.keys(refused).length} refused), the others in ${served.record.passes}`);
    return { ...served, record: { ...served.record, failures: { ...refused, ...served.record.failures } }, apart };
  };

  /**
   * One app of `routes`: a finished build for the hash of every input, or a new one (under a lock, so
   * one process builds it).
   */
  const buildOnce = async (routes: RouteModule[]): Promise<BuildUse> => {
    const next = binary();
    // 1. The app as files, and the hash of everything that goes into its build.
    const tools = { generator: GENERATOR_VERSION, next: nextVersion(next) ?? next, router, bundler, node: process.version };
    const { plan, hash, dir } = await planBuild(routes, { router, bundler, packageRoot: PACKAGE_ROOT, modulesRoot: modulesRoot() }, tools);
    // 2. A finished build for this hash, or a new one.
    let reused = true;
    const record =
      readRecord(dir) ??
      (await withBuildLock(dir, async () => {
        const again = readRecord(dir);
        if (again) return again;
        reused = false;
        const started = Date.now();
        const keys = routes.map((route) => route.key);
        const outcome = await buildApp({ dir, plan, keys, router, bundler, next, env: ctx.env, log: ctx.log, ...(ctx.signal ? { signal: ctx.signal } : {}) });
        return writeRecord(dir, { hash, ...outcome, durationMs: Date.now() - started, finishedAt: new Date().toISOString() });
      }));
    ctx.log(reused ? `nextjs: reusing build ${hash}` : `nextjs: built ${hash} in ${record.durationMs} ms (${record.passes} next build pass(es))`);
    if (!reused) pruneCache(cacheRoot(PACKAGE_ROOT), CACHE_KEEP);
    return { dir, record, reused };
  };

  return {
    bundling: BUNDLING.nextjs,
    // One build of every route, but a server per route: Next's edge sandbox gives each route a vm
    // context, and those contexts share Headers, Request and Response (seen with next 16.4.6), so one
    // server for every route would let a route that patches them change the others' results.
    isolation: { description: 'a next server per route, all from one build of every route', maxRoutesPerStart: 1 },
    // The pages router's API routes are default exports; route handlers (method exports) are the app router's.
    routeShapes: router === 'pages' ? ['default-export'] : ['default-export', 'method-exports'],
    // What next's server printed while a case ran (a route's error, such as "TypeError: immutable").
    outputCursor: () => served?.host.outputCursor() ?? 0,
    outputSince: (cursor) => served?.host.outputSince(cursor) ?? '',

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

    ...(router === 'app' ? { scanFor: DOUBTS } : {}),

    async info(): Promise<TargetInfo> {
      const lookup = findBinary('next', ctx.env);
      const version = ('path' in lookup && nextVersion(lookup.path)) || 'unknown';
      return { runtime: 'nextjs', version, settings: { router, bundler }, flags: ['runtime=edge', `bundler=${bundler}`, `router=${router}`] };
    },

    async prepare(routes) {
      // Every runner of the column shares one build of every route (ctx.shared), made once, with the
      // proof route of its warm hosts (proof-route.ts) beside them.
      const key = `nextjs-build:${routes.map((r) => r.key).join(',')}`;
      const shared = ctx.shared ?? new Map<string, unknown>();
      if (!shared.has(key)) shared.set(key, build([...routes, proofRoute()]));
      prepared = { keys: new Set(routes.map((r) => r.key)), use: shared.get(key) as Promise<BuildUse> };
      await prepared.use;
    },

    async start(routes): Promise<Loaded> {
      if (served) await stop();
      stopping = false;
      // 1. The prepared build when it holds these routes, else a build of just these.
      const use = prepared && routes.every((r) => prepared!.keys.has(r.key)) ? await prepared.use : await build(routes);
      const { dir, record } = use;
      last = use;
      const mine = new Set(routes.map((r) => r.key));
      const built = record.built.filter((key) => mine.has(key));
      // 2. Serve what was built.
      const urls = new Map<string, string>();
      if (built.length > 0) {
        const current = await serveApp(dir, ctx.env);
        if (stopping) {
          await current.host.kill(); // stop() came while starting
          throw new Error('nextjs runner: stopped while starting');
        }
        served = current;
        exitWatch = current.host.exited.then((exit) => (stopping || served !== current ? never : exit));
        for (const key of built) urls.set(key, `http://127.0.0.1:${current.port}${routeBasePath(key)}`);
      }
      return {
        urls,
        failures: new Map<string, LoadFailure>(Object.entries(record.failures).filter(([key]) => mine.has(key))),
        warnings: new Map(Object.entries(record.warnings).filter(([key]) => urls.has(key))),
      };
    },

    async deployedCode(route) {
      if (!prepared) return undefined;
      const { dir, record } = await prepared.use;
      return record.built.includes(route.key) ? nextDeployedCode(dir, route.key) : undefined;
    },

    exited: () => exitWatch,
    stop,

    verified: {
      proves:
        "a sandbox context of its own per case; what Next's contexts share, read from a route of edgecompat's own in one of them: the edge-runtime primitives (Headers, Response, streams, fetch ...), performance, AsyncLocalStorage and the Node modules edge routes may import; the server's open timers and handles",
      blindTo: ['code-from-strings'],
      async open(routes: RouteModule[]): Promise<WarmHost> {
        if (!prepared) throw new Error('nextjs runner: open() before prepare()');
        const { dir, record } = await prepared.use;
        if (!record.built.includes(PROOF_KEY)) throw new Error(`nextjs runner: the proof route was not built (${record.failures[PROOF_KEY]?.message.split('\n')[0] ?? 'not in the build'})`);
        // 1. The host: the app's production server, told every route's path and the proof route's key.
        const paths = Object.fromEntries([...routes.map((r) => r.key), PROOF_KEY].filter((key) => record.built.includes(key)).map((key) => [key, routeBasePath(key)]));
        const file = join(mkdtempSync(join(ctx.workDir, 'warm-')), 'routes.json');
        writeFileSync(file, JSON.stringify(paths));
        const host = await openWarmHost(process.execPath, [HOST_SCRIPT, dir, '--warm', file, PROOF_KEY], { cwd: dir, env: { ...ctx.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' }, routes });
        // 2. A route Next refused is that refusal, as at a fresh start; a built one carries Next's warnings.
        return {
          ...host,
          async load(key) {
            const failure = record.failures[key];
            if (failure) return { urls: new Map(), failures: new Map([[key, failure]]) };
            const loaded = await host.load(key);
            const warnings = record.warnings[key];
            return warnings?.length ? { ...loaded, warnings: new Map([[key, warnings]]) } : loaded;
          },
        };
      },
    },

    lastBuild: () => last,
    serverPid: () => served?.host.child.pid,
  };
};

/**
 * The folder whose node_modules holds next, as Node resolves it from the package: the package root
 * in this repository, the project's root once edgecompat is installed as a dependency.
 */
function modulesRoot(): string {
  const nextPackage = createRequire(join(PACKAGE_ROOT, 'package.json')).resolve('next/package.json');
  return dirname(dirname(dirname(nextPackage)));
}

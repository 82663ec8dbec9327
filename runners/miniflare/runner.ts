/**
 * The miniflare runner: Cloudflare's local simulator (npm `miniflare`, the engine of `wrangler dev`),
 * which runs each route in its own workerd with what plain workerd lacks: the Cache API backed by a
 * real cache (`caches.default`, `caches.open`), and the request as Cloudflare's edge hands it over
 * (`cf-connecting-ip`, compression). One Miniflare instance (one workerd process) per route.
 *
 * Settings: `compatibilityDate` (default: the date of miniflare's own workerd), `compatibilityFlags`.
 */
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { BUNDLING } from '../bundling/platform-bundling.ts';
import { LoadFault } from '../load-fault.ts';
import { OutputLog } from '../host/output-log.ts';
import type { Exit, LoadFailure, RouteModule, RunnerFactory } from '../types.ts';
import { entrySource } from '../workerd/entry.ts';
import { STARTUP_MS } from '../workerd/runner.ts';
import { errorName } from '../workerd/load-errors.ts';

const require = createRequire(import.meta.url);
/** The load timeout of a route that gives none. */
const DEFAULT_LOAD_TIMEOUT_MS = 30_000;
/** The most of what one instance printed that is kept, to find why it refused to start. */
const OUTPUT_LOG_CHARS = 64 * 1024;
/** How long a workerd that refused to start may take to finish saying why. */
const OUTPUT_DRAIN_MS = 1000;

/** What the runner knows of one instance's workerd. */
interface InstanceState {
  /** It answered: an exit from now on is a crash, not a load failure. */
  ready: boolean;
  /** What it printed. */
  output: string;
  /** Called when its output has ended. */
  closed(): void;
}

type MiniflareModule = typeof import('miniflare');
type Instance = InstanceType<MiniflareModule['Miniflare']>;

/** The installed miniflare and the workerd it runs, or undefined when it is not installed. */
function installed(): { version: string; workerdVersion: string; workerdDate: string } | undefined {
  try {
    const version = (require('miniflare/package.json') as { version: string }).version;
    const workerd = createRequire(require.resolve('miniflare'))('workerd/package.json') as { version: string };
    const date = /^\d+\.(\d{4})(\d{2})(\d{2})\./.exec(workerd.version);
    return { version, workerdVersion: workerd.version, workerdDate: date ? `${date[1]}-${date[2]}-${date[3]}` : '2024-09-23' };
  } catch {
    return undefined;
  }
}

function stringList(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`miniflare setting ${name} must be a list of strings`);
  return value;
}

/** Creates a miniflare column. */
export const miniflareRunner: RunnerFactory = (settings, ctx) => {
  const found = installed();
  const flags = stringList(settings.compatibilityFlags, 'compatibilityFlags');
  const date = (settings.compatibilityDate as string | undefined) ?? found?.workerdDate ?? '2024-09-23';
  let running: Array<{ mf: Instance; key: string }> = [];
  let stopping = false;
  const log = new OutputLog();
  let exitWaiter: (exit: Exit) => void = () => {};
  let exited = new Promise<Exit>((resolve) => (exitWaiter = resolve));

  /**
   * Keeps what an instance's workerd prints, and tells its exit (its output ends) as exited() when
   * nobody asked for it and the instance had been ready: one that ends before is a load failure.
   */
  const watch = (state: InstanceState) => (stdout: Readable, stderr: Readable) => {
    const keep = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log.append(text);
      state.output = (state.output + text).slice(-OUTPUT_LOG_CHARS);
    };
    stdout.on('data', keep);
    stderr.on('data', keep);
    stdout.once('close', () => {
      state.closed();
      if (state.ready && !stopping) exitWaiter({ exitCode: null, signal: null, stderrTail: log.tail(4096).trim() || undefined });
    });
  };

  const startOne = async (mf: MiniflareModule, route: RouteModule): Promise<{ url?: string; failure?: LoadFailure }> => {
    let closed!: () => void;
    const ended = new Promise<void>((resolve) => (closed = resolve));
    const state: InstanceState = { ready: false, output: '', closed };
    const instance = new mf.Miniflare({
      modulesRoot: ctx.workDir,
      modules: [
        { type: 'ESModule', path: join(ctx.workDir, `${route.key}.entry.mjs`), contents: entrySource(route.key) },
        { type: 'ESModule', path: join(ctx.workDir, `${route.key}.mjs`), contents: route.source },
      ],
      compatibilityDate: date,
      compatibilityFlags: flags,
      host: '127.0.0.1',
      port: 0,
      log: new mf.NoOpLog(),
      handleRuntimeStdio: watch(state),
    });
    running.push({ mf: instance, key: route.key });
    // workerd's own start is not the route's load: it gets STARTUP_MS on top.
    const timeoutMs = STARTUP_MS + (route.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      const ready = await Promise.race([instance.ready, timeout]);
      if (ready === 'timeout') throw new LoadFault(`the route did not finish loading within ${timeoutMs} ms of starting workerd`, 'timeout', route.key, undefined, timeoutMs);
      state.ready = true;
      return { url: ready.href.replace(/\/$/, '') };
    } catch (error) {
      if (error instanceof LoadFault) throw error;
      // workerd refused the module and said why on its output (miniflare's own error only says that
      // the runtime failed to start): its "Uncaught ..." lines, once its output has ended.
      await Promise.race([ended, sleep(OUTPUT_DRAIN_MS)]);
      const said = state.output.split('\n').map((line) => /Uncaught .*/.exec(line)?.[0]).filter(Boolean);
      const message = said.length > 0 ? said.join('\n') : String((error as Error).message ?? error);
      return { failure: { name: errorName(message), message, phase: 'load' } };
    } finally {
      clearTimeout(timer);
    }
  };

  const stop = async (): Promise<void> => {
    stopping = true;
    const mine = running;
    running = [];
    await Promise.all(mine.map(({ mf }) => mf.dispose().catch(() => {})));
  };

  return {
    bundling: BUNDLING.workerd,
    isolation: { description: 'a Miniflare instance (a workerd process) per route', maxRoutesPerStart: 1 },
    outputCursor: () => log.cursor(),
    outputSince: (cursor) => log.since(cursor),

    async unavailable() {
      return found ? undefined : 'the miniflare package is not installed (npm ci installs the pinned version)';
    },

    async info() {
      return {
        runtime: 'miniflare',
        version: found ? `${found.version} (workerd ${found.workerdVersion})` : 'unknown',
        settings: { compatibilityDate: date, compatibilityFlags: flags },
        flags,
      };
    },

    async start(routes) {
      // 1. One start at a time: a second start replaces the first.
      await stop();
      stopping = false;
      exited = new Promise<Exit>((resolve) => (exitWaiter = resolve));
      const mf = (await import('miniflare')) as MiniflareModule;
      // 2. An instance per route; a route workerd refuses is a load failure, one that hangs a LoadFault.
      const urls = new Map<string, string>();
      const failures = new Map<string, LoadFailure>();
      try {
        for (const route of routes) {
          const started = await startOne(mf, route);
          if (started.url) urls.set(route.key, started.url);
          else failures.set(route.key, started.failure!);
        }
      } catch (error) {
        await stop();
        throw error;
      }
      ctx.log(`miniflare: ${urls.size} routes served, ${failures.size} failed to load`);
      return { urls, failures };
    },

    exited: () => exited,
    stop,
  };
};

/**
 * The workerd runner (Cloudflare Workers' runtime). One `workerd serve` process hosts every route as
 * its own worker (a separate isolate) behind its own socket on 127.0.0.1, port picked by the OS and
 * learnt over `--control-fd`. A route whose module workerd refuses is reported as a load failure and
 * the process starts again without it; workerd names every failing worker in one error output, so
 * this costs one extra start however many routes fail.
 */
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { findBinary } from '../host/binaries.ts';
import { BUNDLING } from '../bundling/platform-bundling.ts';
import { LoadFault } from '../load-fault.ts';
import { spawnTarget, type TargetProcess } from '../host/process.ts';
import type { Exit, LoadFailure, RouteModule, RunnerFactory } from '../types.ts';
import { renderWorkerdConfig, type WorkerSpec } from './config.ts';
import { entrySource } from './entry.ts';
import { errorName, parseStartErrors } from './load-errors.ts';

/**
 * How long workerd may take to listen with several routes: a route that loops or awaits for ever at
 * top level hangs the whole start, and workerd does not say which one, so a batch gets no more than
 * its shortest route timeout plus a little per route; the engine then loads each route on its own,
 * where a hang is that route's TIMEOUT.
 */
const BATCH_START_MS_PER_ROUTE = 100;
/** The load timeout of a route that gives none. */
const DEFAULT_LOAD_TIMEOUT_MS = 30_000;
/** What a start may take beyond its routes' load timeouts: workerd's own start. */
export const STARTUP_MS = 2000;
/** Routes per workerd process: an isolate each, few enough that a batch that hangs is cheap to split. */
const ROUTES_PER_START = 10;
const CONFIG_FILE = 'workerd.capnp';
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const KEY = /^[a-z0-9-]+$/;

type Launch = { ok: true; proc: TargetProcess; ports: Map<string, number> } | { ok: false; stderr: string; exit: Exit };

function stringList(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new Error(`workerd setting ${name} must be a list of strings`);
  return value;
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Reads `{"event":"listen","socket":...,"port":N}` lines from the control fd into `ports`. */
function readListenEvents(control: Readable, ports: Map<string, number>, onEvent: () => void): void {
  const lines = createInterface({ input: control });
  lines.on('line', (line) => {
    try {
      const event = JSON.parse(line) as { event?: string; socket?: string; port?: number };
      if (event.event === 'listen' && typeof event.socket === 'string' && typeof event.port === 'number') {
        ports.set(event.socket, event.port);
        onEvent();
      }
    } catch {
      /* not an event of ours */
    }
  });
}

/** The workerd runner: settings `compatibilityDate` (default: the binary's own) and `compatibilityFlags`. */
export const workerdRunner: RunnerFactory = (settings, ctx) => {
  const binary = findBinary('workerd', ctx.env);
  const flags = stringList(settings.compatibilityFlags, 'compatibilityFlags');
  let version: Promise<string> | undefined;
  let proc: TargetProcess | undefined;
  let exitWaiter = deferred<Exit>();
  let exitResolved = false;

  function binaryPath(): string {
    if ('missing' in binary) throw new Error(binary.missing);
    return binary.path;
  }

  /**
   * `workerd --version` prints "workerd 2026-11-17": its version, and the default compatibility date.
   * (workerd itself accepts later dates up to today's UTC date, and refuses any date after that.)
   */
  function binaryVersion(): Promise<string> {
    version ??= (async () => {
      const child = spawnTarget(binaryPath(), ['--version'], { env: ctx.env });
      const stdout = child.child.stdout;
      const [exit] = await Promise.all([child.exited, stdout && !stdout.closed ? once(stdout, 'close') : undefined]);
      const match = /workerd (\S+)/.exec(child.outputTail());
      if (exit.exitCode !== 0 || !match) throw new Error(`workerd --version failed: ${child.outputTail() || JSON.stringify(exit)}`);
      return match[1];
    })();
    return version;
  }

  async function compatibilityDate(): Promise<string> {
    const date = settings.compatibilityDate ?? (await binaryVersion());
    if (typeof date !== 'string' || !DATE.test(date)) throw new Error(`workerd setting compatibilityDate must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
    return date;
  }

  /** Starts workerd with these routes; resolves once every socket listens, or once workerd gave up. */
  async function launch(routes: RouteModule[], date: string): Promise<Launch> {
    const shortest = Math.min(...routes.map((r) => r.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS));
    // workerd's own start is not the route's load: it gets STARTUP_MS on top, for a busy machine.
    const timeoutMs = STARTUP_MS + (routes.length === 1 ? shortest : shortest + BATCH_START_MS_PER_ROUTE * routes.length);
    const workers: WorkerSpec[] = routes.map((r) => ({
      name: r.key,
      modules: [
        { name: 'edgecompat-entry.mjs', path: `${r.key}.entry.mjs` },
        { name: `${r.key}.mjs`, path: `${r.key}.mjs` },
      ],
      compatibilityDate: date,
      compatibilityFlags: flags,
    }));
    const sockets = routes.map((r) => ({ name: r.key, service: r.key }));
    await writeFile(join(ctx.workDir, CONFIG_FILE), renderWorkerdConfig({ workers, sockets }));
    const child = spawnTarget(binaryPath(), ['serve', join(ctx.workDir, CONFIG_FILE), '--control-fd=3'], { cwd: ctx.workDir, env: ctx.env, extraStdio: ['pipe'] });
    let stderr = '';
    const collect = (chunk: Buffer) => (stderr += chunk.toString('utf8'));
    child.child.stderr?.on('data', collect);
    const ports = new Map<string, number>();
    const listening = new Promise<void>((resolve) => readListenEvents(child.child.stdio[3] as Readable, ports, () => ports.size === sockets.length && resolve()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([listening.then(() => 'listening' as const), child.exited, timeout]);
    clearTimeout(timer);
    // 'exit' can come before the last of stderr: read it to the end before judging a failed start.
    const err = child.child.stderr;
    if (outcome !== 'listening' && outcome !== 'timeout' && err && !err.closed) await once(err, 'close');
    err?.off('data', collect);
    if (outcome === 'listening') return { ok: true, proc: child, ports };
    if (outcome === 'timeout') {
      // No grace: a workerd whose route loops at top level ignores SIGTERM.
      await child.kill(0);
      const only = routes.length === 1 ? routes[0].key : undefined;
      throw new LoadFault(`workerd did not finish loading ${only ? 'the route' : `${routes.length} routes`} within ${timeoutMs} ms`, 'timeout', only, undefined, timeoutMs);
    }
    return { ok: false, stderr, exit: outcome };
  }

  async function stop(): Promise<void> {
    const mine = proc;
    proc = undefined;
    if (mine) await mine.kill();
  }

  return {
    bundling: BUNDLING.workerd,
    isolation: { description: `an isolate per route, up to ${ROUTES_PER_START} in a workerd process`, maxRoutesPerStart: ROUTES_PER_START },
    outputCursor: () => proc?.outputCursor() ?? 0,
    outputSince: (cursor) => proc?.outputSince(cursor) ?? '',

    async unavailable() {
      return 'missing' in binary ? binary.missing : undefined;
    },

    async info() {
      return {
        runtime: 'workerd',
        version: await binaryVersion(),
        settings: { compatibilityDate: await compatibilityDate(), compatibilityFlags: flags },
        flags,
      };
    },

    async start(routes) {
      // 1. One start at a time: a second start replaces the first process.
      await stop();
      const date = await compatibilityDate();
      // 2. Write every route as its own module, plus the entry that hands it workerd's Request.
      for (const route of routes) {
        if (!KEY.test(route.key)) throw new Error(`route key ${JSON.stringify(route.key)} (case ${route.caseId}) is not [a-z0-9-]+`);
        await writeFile(join(ctx.workDir, `${route.key}.mjs`), route.source);
        await writeFile(join(ctx.workDir, `${route.key}.entry.mjs`), entrySource(route.key));
      }
      // 3. Start; while workerd refuses the config, drop the routes it names and start again.
      const failures = new Map<string, LoadFailure>();
      let pending = routes;
      while (pending.length > 0) {
        const result = await launch(pending, date);
        if (result.ok) {
          // 4. Serving: keep the process, and report an exit that stop() did not ask for.
          const mine = result.proc;
          proc = mine;
          if (exitResolved) {
            exitWaiter = deferred<Exit>();
            exitResolved = false;
          }
          const waiter = exitWaiter;
          void mine.exited.then((exit) => {
            if (proc !== mine) return;
            proc = undefined;
            exitResolved = true;
            waiter.resolve(exit);
          });
          const urls = new Map(pending.map((r) => [r.key, `http://127.0.0.1:${result.ports.get(r.key)}`]));
          ctx.log(`workerd: ${urls.size} routes listening, ${failures.size} failed to load`);
          return { urls, failures };
        }
        const errors = parseStartErrors(result.stderr, pending.map((r) => r.key));
        if (errors.settings.length > 0) throw new Error(`workerd refused the settings (compatibilityDate ${date}, flags [${flags.join(', ')}]): ${errors.settings.join('; ')}`);
        if (errors.byWorker.size === 0) {
          const said = [...errors.other, result.stderr.trim()].find(Boolean) ?? JSON.stringify(result.exit);
          throw new Error(`workerd failed to start and named no route: ${said}`);
        }
        for (const [key, messages] of errors.byWorker) {
          const message = messages.join('\n');
          failures.set(key, { name: errorName(message), message, phase: 'load' });
        }
        ctx.log(`workerd: ${errors.byWorker.size} routes failed to load; starting again without them`);
        pending = pending.filter((r) => !errors.byWorker.has(r.key));
      }
      return { urls: new Map(), failures };
    },

    exited() {
      return exitWaiter.promise;
    },

    stop,
  };
};

/**
 * `edgecompat serve --target <name> [--port N]`: starts one target with every case's route, the same
 * way `run` does, and serves the routing convention of a bundled app on 127.0.0.1: `/ec/<key>/...`
 * is proxied to that case's own URL on the target with the `/ec/<key>` prefix stripped (so the route
 * sees the same path as in a direct run), bodies stream both ways, and a client that goes away
 * aborts the proxied request. `/ec/__edgecompat` answers the manifest. stdout gets one line, the
 * URL; logs go to stderr. Ctrl-C stops the target and exits 0.
 */
import { targetEnvironment } from '../runners/host/target-env.ts';
import { loadPlugins } from '../runners/plugins.ts';
import { InvalidArgumentError, type Command } from 'commander';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { joinUrl } from '../core/run/client.ts';
import { loadCases } from '../core/cases/load-cases.ts';
import { filterCases, selectTargets } from '../core/run/select.ts';
import { prepareRoute } from '../core/run/route-modules.ts';
import { EDGECOMPAT_VERSION } from '../core/version.ts';
import { InputError } from '../schemas/input-error.ts';
import { MANIFEST_KEY, ROUTE_PREFIX, routeHash, type Manifest } from '../runners/http/bundle/convention.ts';
import { RUNNERS, TARGETS } from '../runners/registry.ts';
import type { Loaded, RunnerFactory, TargetConfig } from '../runners/types.ts';
import { EXIT_OK } from './exit-codes.ts';
import { withCaseOptions } from './options.ts';
import { DEFAULT_SUITE } from '../core/cases/load-cases.ts';

/** The options of `edgecompat serve`. */
export interface ServeOptions {
  target: string;
  port?: number;
  suite?: string[];
  filter?: string[];
  area?: string[];
  tag?: string[];
  /** Plug-in runner modules; their columns can be served. */
  runner?: string[];
}

/** A running serve. */
export interface ServeHandle {
  /** `http://127.0.0.1:<port>`: the app's base URL for `run --url`. */
  url: string;
  /** Stops the server and the target; removes the work folder. */
  close(): Promise<void>;
}

/** Hop-by-hop headers (RFC 9110 7.6.1) and host, which the proxy sets itself. */
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);
const PATTERN = new RegExp(`^${ROUTE_PREFIX}/([A-Za-z0-9_-]+)(.*)$`);

/** Starts the target and the server; `targets` and `runners` are the registry's unless a test gives others. */
export async function startServe(options: ServeOptions, deps: { targets?: TargetConfig[]; runners?: Record<string, RunnerFactory>; log?: (m: string) => void } = {}): Promise<ServeHandle> {
  const log = deps.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  // 1. Load the cases and choose the target, as run does.
  const cases = filterCases(await loadCases(options.suite ?? [DEFAULT_SUITE]), { ids: options.filter, areas: options.area, tags: options.tag });
  const [target] = selectTargets([options.target], deps.targets ?? TARGETS);
  // 2. Start the target once with every route, bundled as its platform does (serve does not keep
  //    routes apart as run does: it is for trying the HTTP convention, not for verdicts).
  const workDir = mkdtempSync(join(tmpdir(), 'edgecompat-serve-'));
  const runner = (deps.runners ?? RUNNERS)[target.runner](target.settings, { workDir, env: targetEnvironment(), log: (m) => log(`[${target.name}] ${m}`) });
  const cleanup = () => rmSync(workDir, { recursive: true, force: true });
  const reason = await runner.unavailable();
  if (reason) {
    cleanup();
    throw new Error(`target ${target.name} cannot run here: ${reason}`);
  }
  const info = await runner.info();
  const prepared = await Promise.all(cases.map((c) => prepareRoute(c, runner.bundling)));
  const routes = prepared.filter((p) => !p.failure).map((p) => p.module);
  const refused = prepared.filter((p) => p.failure).map((p) => [p.module.key, p.failure!] as const);
  const start = async (): Promise<Loaded> => {
    const started = await runner.start(routes);
    for (const [key, failure] of refused) started.failures.set(key, failure);
    return started;
  };
  let closing = false;
  let loaded: Loaded;
  try {
    loaded = await start();
  } catch (error) {
    await runner.stop();
    cleanup();
    throw error;
  }
  log(`edgecompat: ${target.name} (${info.runtime} ${info.version}): ${loaded.urls.size} route(s) served, ${loaded.failures.size} failed to load`);
  // 3. A target that dies is started again, so one crashing case does not end the serve.
  const watch = (): void => {
    void runner.exited().then(async (exit) => {
      if (closing) return;
      log(`edgecompat: ${target.name} exited (code ${exit.exitCode}, signal ${exit.signal}); starting it again`);
      loaded = await start();
      watch();
    });
  };
  watch();
  // 4. Serve the convention: the manifest, and each case's route behind its prefix.
  const agent = new Agent({ pipelining: 0, connections: 64, keepAliveTimeout: 1000 });
  const manifest = (): Manifest => ({
    edgecompat: EDGECOMPAT_VERSION,
    platform: 'serve',
    runtime: `${info.runtime} ${info.version}`,
    keys: prepared.map((p) => p.module.key),
    hashes: Object.fromEntries(prepared.map((p) => [p.module.key, routeHash(p.module)])),
    failures: Object.fromEntries([...loaded.failures].map(([key, f]) => [key, { name: f.name, message: f.message, phase: f.phase }])),
  });
  const server = createServer((req, res) => {
    const match = PATTERN.exec(req.url ?? '');
    if (match?.[1] === MANIFEST_KEY) return void res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(manifest()));
    const base = match ? loaded.urls.get(match[1]) : undefined;
    const failure = match ? loaded.failures.get(match[1]) : undefined;
    if (failure) return void res.writeHead(500, { 'content-type': 'text/plain', 'x-edgecompat-load-error': failure.name }).end(`edgecompat: route ${match![1]} failed to load: ${failure.name}: ${failure.message}\n`);
    if (!match || base === undefined || (match[2] !== '' && !/^[/?]/.test(match[2]))) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('edgecompat: no such route\n');
    const rest = match[2].startsWith('/') ? match[2] : `/${match[2]}`;
    void proxy(req, res, joinUrl(base, rest), agent);
  });
  let port: number;
  try {
    port = await listen(server, options.port ?? 0);
  } catch (error) {
    // A port another process holds (or one this user may not bind) is bad input, not a crash.
    closing = true;
    await runner.stop();
    await agent.close();
    cleanup();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new InputError([{ file: '--port', message: `cannot listen on 127.0.0.1:${options.port}: ${code === 'EADDRINUSE' ? 'the port is in use by another process' : 'permission denied'}` }]);
    }
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      closing = true;
      await new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      });
      await runner.stop();
      await agent.close();
      cleanup();
    },
  };
}

/** Proxies one request to `url`, streaming the request body up and the response body down chunk by chunk. */
async function proxy(req: IncomingMessage, res: ServerResponse, url: string, agent: Agent): Promise<void> {
  const aborted = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) aborted.abort();
  });
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP.has(name)) headers[name] = value;
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  try {
    const response = await request(url, { method: req.method as 'GET', headers, body: hasBody ? req : undefined, dispatcher: agent, signal: aborted.signal, headersTimeout: 0, bodyTimeout: 0 });
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(response.headers)) if (value !== undefined && !HOP.has(name)) out[name] = value;
    res.writeHead(response.statusCode, out);
    res.flushHeaders();
    for await (const chunk of response.body) res.write(chunk);
    res.end();
  } catch (error) {
    if (aborted.signal.aborted) return; // the client went away; the target's request was aborted with it
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`edgecompat serve: the target did not answer: ${(error as Error).message}\n`);
    else res.destroy(error as Error); // the target broke the body off: so does the proxy
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Serves until SIGINT or SIGTERM, then stops the target; resolves with exit code 0. */
export async function serveCommand(options: ServeOptions): Promise<number> {
  const plugins = await loadPlugins(options.runner ?? []);
  const handle = await startServe(options, { targets: [...TARGETS, ...plugins.targets], runners: { ...RUNNERS, ...plugins.runners } });
  process.stdout.write(`${handle.url}\n`);
  process.stderr.write(`edgecompat: serving on ${handle.url}${ROUTE_PREFIX}/<key> (manifest: ${handle.url}${ROUTE_PREFIX}/${MANIFEST_KEY}); Ctrl-C stops\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await handle.close();
  return EXIT_OK;
}

const portNumber = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0-65535)');
  return n;
};

/** Adds `serve` to the program. */
export function registerServeCommand(program: Command): Command {
  const command = program
    .command('serve')
    .description('start one target with every case\'s route and serve them under /ec/<key> (for run --url)')
    .requiredOption('--target <name>', 'the target to serve (see `edgecompat list`)')
    .option('--port <n>', 'port on 127.0.0.1 (default: one the OS picks)', portNumber)
    .option('--runner <module>', 'a plug-in runner module (see runners/README.md) whose column --target may name (repeatable)', (v: string, previous: string[] = []) => [...previous, v]);
  return withCaseOptions(command).action(async (opts: ServeOptions) => {
    process.exitCode = await serveCommand(opts);
  });
}

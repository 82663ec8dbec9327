/**
 * The http runner and `edgecompat serve`: a served target run through `--url` gives the same
 * statuses per case as a direct run of that target; a key the app does not serve is a load
 * failure, a stale one too; an unreachable URL, or one that is not an edgecompat app, is a start()
 * error; Ctrl-C stops the serve with exit 0 and leaves no process behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidsLeftWith, pidsWith } from './support/processes.ts';
import { buildProgram } from '../cli/main.ts';
import { loadCases } from '../core/cases/load-cases.ts';
import { filterCases } from '../core/run/select.ts';
import { Recorder } from '../core/report/recorder.ts';
import type { Report } from '../core/report/report-types.ts';
import { routeModule } from '../core/run/route-modules.ts';
import { runMatrix } from '../core/run/run-matrix.ts';
import { asManifest, routeHash } from '../runners/http/bundle/convention.ts';
import { httpRunner, loadedFromManifest, urlTargets } from '../runners/http/runner.ts';
import { RUNNERS, TARGETS } from '../runners/registry.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'cli/bin.mjs');
const program = buildProgram();
const WIRED_SERVE = program.commands.some((c) => c.name() === 'serve');
const WIRED_URL = program.commands.find((c) => c.name() === 'run')!.options.some((o) => o.long === '--url');
/** workerd once the lead has registered it; node until then. */
const TARGET = TARGETS.some((t) => t.name === 'workerd') ? 'workerd' : 'node';
/** Probes, streaming (causal and timed), multi-request cases with aborts, bodies, the URL. */
const FILTER = [
  'streaming/readable-stream/first-chunk-before-end-causal',
  'streaming/readable-stream/two-chunks-300ms-apart',
  'streaming/readable-stream/no-content-length',
  'errors/client-disconnect',
  'errors/uncaught/sync-throw-is-500',
  'forbidden-apis/node-globals',
  'forbidden-apis/node-builtin-imports/static-import-node-fs',
  'request-response/url-and-query',
  'request-response/headers/multiple-set-cookie',
  'request-response/http-methods/post-echo',
  'request-response/http-methods/head-has-no-body',
];
/** `serve` before the lead wires it into main.ts: the same command on a program of its own. */
const UNWIRED_SERVE = `import { Command } from 'commander';
import { registerServeCommand } from ${JSON.stringify(join(ROOT, 'cli/serve-command.ts'))};
const program = new Command();
registerServeCommand(program);
await program.parseAsync(process.argv.slice(1), { from: 'user' });`;
const log = () => {};
const LOG = (m: string) => console.log(`[http-runner.test] ${m}`);

let work: string;
let serve: ChildProcess;
let url: string;
const servers: Server[] = [];

function spawnServe(args: string[]): ChildProcess {
  const argv = WIRED_SERVE ? [BIN, 'serve', ...args] : ['--import', 'tsx', '--input-type=module', '-e', UNWIRED_SERVE, 'serve', ...args];
  return spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

function statuses(report: Report): Record<string, string> {
  return Object.fromEntries(report.results.map((r) => [r.caseId, r.status]));
}

/** `edgecompat run` in a child process; resolves with its report. */
async function runCli(args: string[], out: string): Promise<Report> {
  const child = spawn(process.execPath, [BIN, 'run', ...args, ...FILTER.flatMap((f) => ['--filter', f]), '--out', out, '--exit-zero', '--reporter', 'json'], { cwd: ROOT, stdio: 'ignore' });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  expect(code).toBe(0);
  return JSON.parse(await readFile(join(out, 'report.json'), 'utf8'));
}

async function runUrlInProcess(target: string, out: string): Promise<Report> {
  const all = await loadCases([join(ROOT, 'suites')]);
  return runMatrix({ cases: filterCases(all, { ids: FILTER }), allCases: all, targets: urlTargets([target]), runners: { ...RUNNERS, http: httpRunner }, recorder: new Recorder(out), concurrency: 4, jobs: 1, signal: new AbortController().signal, log });
}

function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'edgecompat-http-test-'));
  serve = spawnServe(['--target', TARGET, ...FILTER.flatMap((f) => ['--filter', f])]);
  let stderr = '';
  serve.stderr!.on('data', (c) => (stderr += c));
  url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    serve.stdout!.on('data', (c) => {
      stdout += c;
      const line = /^(http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout)?.[1];
      if (line) resolve(line);
    });
    serve.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`serve gave no URL in 30 s: ${stderr}`)), 30_000);
  });
  LOG(`serve --target ${TARGET} (${WIRED_SERVE ? 'bin.mjs' : 'unwired program'}) at ${url}`);
}, 40_000);

afterAll(async () => {
  if (serve && serve.exitCode === null && serve.signalCode === null) {
    serve.kill('SIGKILL');
    await new Promise((r) => serve.once('exit', r));
  }
  for (const server of servers) server.close();
  await rm(work, { recursive: true, force: true });
});

describe('serve + the http runner', () => {
  it(`gives the same statuses per case as run --targets ${TARGET}`, async () => {
    const t0 = performance.now();
    const [viaUrl, direct] = await Promise.all([
      WIRED_URL ? runCli(['--url', url], join(work, 'via-url')) : runUrlInProcess(url, join(work, 'via-url')),
      runCli(['--targets', TARGET], join(work, 'direct')),
    ]);
    LOG(`both runs: ${Math.round(performance.now() - t0)} ms; via --url: ${JSON.stringify(statuses(viaUrl))}`);
    expect(Object.keys(statuses(viaUrl)).length).toBeGreaterThanOrEqual(15);
    expect(statuses(viaUrl)).toEqual(statuses(direct));
    expect(viaUrl.targets[0]).toMatchObject({ runtime: 'http', settings: { url } });
    expect(viaUrl.targets[0].version).toBe(`${direct.targets[0].runtime} ${direct.targets[0].version}`);
  }, 60_000);

  it('reports a key the app does not serve as not deployed, and a changed route as stale', async () => {
    const cases = filterCases(await loadCases([join(ROOT, 'suites')]), { ids: ['request-response/url-and-query/search-params'] });
    const real = await routeModule(cases[0]);
    const runner = httpRunner({ url: `${url}/` }, { workDir: work, env: process.env, log });
    const loaded = await runner.start([real, { caseId: 'x/missing', key: 'x-missing-00000000', source: 'export default () => new Response()' }]);
    expect(loaded.urls.get(real.key)).toBe(`${url}/ec/${real.key}`);
    expect(loaded.failures.get('x-missing-00000000')).toEqual({ name: 'NotDeployed', message: `not deployed at ${url}`, phase: 'load' });
    const stale = loadedFromManifest(url, { edgecompat: '0', platform: 'p', runtime: 'r', keys: [real.key], hashes: { [real.key]: routeHash(real) } }, [{ ...real, source: `${real.source}//`, origin: { ...real.origin!, source: `${real.origin!.source}//` } }]);
    expect(stale.failures.get(real.key)?.name).toBe('StaleDeploy');
    await runner.stop();
  });

  it('passes load failures of the target on through the manifest', () => {
    const manifest = asManifest({ edgecompat: '0.1.0', platform: 'serve', runtime: 'edge-runtime 4.0.1', keys: ['a'], failures: { a: { name: 'TypeError', message: 'no fs' } } });
    expect(typeof manifest).toBe('object');
    const loaded = loadedFromManifest('http://h', manifest as Exclude<typeof manifest, string>, [{ caseId: 'a/a', key: 'a', source: '' }]);
    expect(loaded.failures.get('a')).toEqual({ name: 'TypeError', message: 'no fs', phase: 'load' });
  });
});

describe('http runner errors', () => {
  it('an unreachable URL is a start() error that names it; info() still answers', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const dead = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise((r) => server.close(r));
    const runner = httpRunner({ url: dead }, { workDir: work, env: process.env, log });
    expect(await runner.unavailable()).toBeUndefined();
    expect((await runner.info()).version).toBe('unknown');
    await expect(runner.start([])).rejects.toThrow(new RegExp(`cannot reach ${dead}: .*ECONNREFUSED`));
  });

  it('a server that is not an edgecompat app is a start() error; a missing url is unavailable', async () => {
    const other = await listen((_req, res) => res.writeHead(404).end('nope'));
    await expect(httpRunner({ url: other }, { workDir: work, env: process.env, log }).start([])).rejects.toThrow(/is not an edgecompat app: GET .*\/ec\/__edgecompat\?load=1 answered 404/);
    expect(await httpRunner({}, { workDir: work, env: process.env, log }).unavailable()).toMatch(/needs a url/);
  });

  it.skipIf(!WIRED_URL)('run --url on an unreachable URL gives ERROR with the reason', async () => {
    const report = await runCli(['--url', 'http://127.0.0.1:9'], join(work, 'unreachable'));
    expect(new Set(report.results.map((r) => r.status))).toEqual(new Set(['ERROR']));
    expect(report.results[0].message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
  }, 30_000);
});

describe('serve lifecycle', () => {
  it('Ctrl-C stops the target and exits 0, leaving no process behind', async () => {
    const manifest = await (await fetch(`${url}/ec/__edgecompat`)).json();
    expect(manifest).toMatchObject({ platform: 'serve', keys: expect.arrayContaining([expect.stringMatching(/^streaming-readable-stream-/)]) });
    const workDirs = await pidsWith('edgecompat-serve-');
    expect(workDirs.length).toBeGreaterThan(0); // the target's process runs in the serve's work folder
    serve.kill('SIGINT');
    const code = await new Promise((r) => serve.once('exit', r));
    expect(code).toBe(0);
    expect(await pidsLeftWith('edgecompat-serve-')).toEqual([]);
  }, 15_000);
});

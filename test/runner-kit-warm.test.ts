/**
 * The runner kit's warm hosts (verified isolation for plug-ins): a host script of a few lines on the
 * kit's runWarmHost, started with writeWarmHostEntry and openWarmHost, proves itself clean after a
 * route that changes nothing and finds the change a route leaves, in Node, Deno and Bun; and a plug-in
 * written against edgecompat/runner-kit alone (test/fixtures/runners/warm-node.mjs) runs its column
 * through the real engine on warm hosts, with the verdicts of fresh hosts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Report } from '../core/report/report-types.ts';
import { findBinary } from '../runners/host/binaries.ts';
import { openWarmHost, writeWarmHostEntry, type RouteModule } from '../runners/kit/index.ts';

const BIN = new URL('../cli/bin.mjs', import.meta.url).pathname;
const WARM_NODE = new URL('./fixtures/runners/warm-node.mjs', import.meta.url).pathname;
const SUITE = new URL('./fixtures/suites/basics', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'edgecompat-kit-warm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Each runtime's host script: how it serves a route and stops serving it, for the kit's runWarmHost. */
const HOSTS = {
  node: {
    args: (entry: string) => [entry],
    serve: `async (mod, key) => {
      const { createServer } = await import('node:http');
      const server = createServer(async (req, res) => { const r = await kit.handlerOf(mod)(new Request('http://x' + req.url)); res.end(await r.text()); });
      servers.set(key, server);
      return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
    }`,
    unserve: `(key) => new Promise((resolve) => { const server = servers.get(key); servers.delete(key); server.closeAllConnections(); server.close(() => resolve()); })`,
  },
  deno: {
    args: (entry: string) => ['run', '--no-prompt', '--allow-net=127.0.0.1:0', entry],
    serve: `(mod, key) => { const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, kit.handlerOf(mod)); servers.set(key, server); return server.addr.port; }`,
    unserve: `async (key) => { await servers.get(key).shutdown(); servers.delete(key); }`,
  },
  bun: {
    args: (entry: string) => ['run', entry],
    serve: `(mod, key) => { const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: kit.handlerOf(mod) }); servers.set(key, server); return server.port; }`,
    unserve: `async (key) => { await servers.get(key).stop(true); servers.delete(key); }`,
  },
};

it.each(Object.keys(HOSTS) as Array<keyof typeof HOSTS>)('a warm host on the kit\'s runWarmHost in %s proves itself clean, and finds what a route left behind', async (runtime) => {
  const binary = runtime === 'node' ? { path: process.execPath } : findBinary(runtime);
  if ('missing' in binary) return; // the runtime is not installed here
  const spec = HOSTS[runtime];
  const work = mkdtempSync(join(dir, `${runtime}-`));
  const hostScript = join(work, 'host.mjs');
  writeFileSync(hostScript, `const servers = new Map();\nexport async function host(loaders, options, kit) {\n  if (!options.warm) throw new Error('started as a fresh host');\n  await kit.runWarmHost(loaders, { serve: ${spec.serve}, unserve: ${spec.unserve}, builtins: options.builtins });\n}\n`);
  const routes: RouteModule[] = [
    { caseId: 'kit/clean', key: 'clean', source: 'export default () => new Response("clean");' },
    { caseId: 'kit/leaves', key: 'leaves', source: 'import { Buffer } from "node:buffer";\nexport default () => { globalThis.__kitLeftBehind = 1; Buffer.prototype.leftBehind = 2; return new Response("leaves"); };' },
    { caseId: 'kit/broken', key: 'broken', source: 'throw new RangeError("bad at load");' },
  ];
  const { entry, dir: hostDir } = await writeWarmHostEntry(work, routes, hostScript);
  expect(readFileSync(entry, 'utf8')).toContain('"warm":true,"builtins":["node:buffer"]');
  const host = await openWarmHost(binary.path, spec.args(entry), { cwd: hostDir, env: process.env, routes });
  const pids = spawnSync('pgrep', ['-f', entry], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  try {
    const clean = await host.load('clean');
    expect(await (await fetch(clean.urls.get('clean')!)).text()).toBe('clean');
    expect(await host.prove('clean')).toEqual([]);
    expect(await host.load('broken')).toEqual({ urls: new Map(), failures: new Map([['broken', { name: 'RangeError', message: 'bad at load', phase: 'load' }]]) });
    expect(await host.prove('broken')).toEqual([]);
    const leaves = await host.load('leaves');
    expect(await (await fetch(leaves.urls.get('leaves')!)).text()).toBe('leaves');
    const changes = await host.prove('leaves');
    expect(changes).toEqual(expect.arrayContaining([expect.stringContaining('globalThis.__kitLeftBehind: was absent'), expect.stringMatching(/\.prototype\.leftBehind: was absent/)]));
  } finally {
    await host.stop();
  }
  expect(pids.length).toBeGreaterThan(0);
  expect(pids.filter(isAlive)).toEqual([]);
});

/** Runs the basics suite on the warm-node plug-in's column; returns the column's report entry and its statuses. */
function runWarmNode(isolation: 'verified' | 'fresh') {
  const out = join(dir, `out-${isolation}`);
  const ran = spawnSync(process.execPath, [BIN, 'run', '--runner', WARM_NODE, '--targets', 'warm-node', '--suite', SUITE, '--isolation', isolation, '--out', out, '--reporter', 'json', '--exit-zero'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(ran.status, ran.stderr).toBe(0);
  const report: Report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const target = report.targets.find((t) => t.name === 'warm-node')!;
  return { target, statuses: Object.fromEntries(report.results.map((r) => [r.caseId, r.status])) };
}

it('a plug-in with warm hosts runs its column on them through the engine, with the verdicts fresh hosts give', () => {
  const verified = runWarmNode('verified');
  expect(verified.target.verification).toMatchObject({ mode: 'verified', blindTo: ['code-from-strings', 'node-builtins'] });
  expect(verified.target.verification!.warmHosts).toBeGreaterThan(0);
  expect(verified.target.verification!.casesOnWarmHosts).toBeGreaterThan(0);
  // The cases that eval are blind spots of the proof: the scan gives them fresh hosts.
  expect(verified.target.verification!.freshByScan).toMatchObject({ 'code-from-strings': expect.any(Number) });
  const fresh = runWarmNode('fresh');
  expect(fresh.target.verification).toMatchObject({ mode: 'fresh' });
  expect(fresh.target.verification!.casesOnWarmHosts).toBeUndefined();
  expect(Object.keys(verified.statuses).length).toBeGreaterThan(5);
  expect(verified.statuses).toEqual(fresh.statuses);
  expect(verified.statuses['basics/basics/streamed']).toBe('PASS');
});

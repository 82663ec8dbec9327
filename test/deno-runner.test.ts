/**
 * What is Deno's own in the deno runner (the rest is in runner-matrix.test.ts): its version and
 * permission flags, permissions as narrow as claimed, the IPC channel out of the routes' sight, and
 * what Deno does with a throwing handler and a string chunk.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDenoRunner } from '../runners/deno/runner.ts';
import type { Loaded, Runner } from '../runners/types.ts';

const ROUTES = {
  plain: `export default (req) => new Response('plain ' + new URL(req.url).pathname)`,
  object: `export default { name: 'obj', fetch(req) { return new Response('object ' + this.name) } }`,
  stream: `const enc = new TextEncoder();
export default () => new Response(new ReadableStream({
  async start(c) { c.enqueue(enc.encode('a')); await new Promise((r) => setTimeout(r, 300)); c.enqueue(enc.encode('b')); c.close(); },
}))`,
  throws: `throw new RangeError('top-level boom');\nexport default () => new Response('never')`,
  probe: `const atLoad = [typeof process.send, String(process.connected)];
export default () => Response.json({ process: typeof process, eval: eval('1+1'), ua: navigator.userAgent, atLoad, atRequest: [typeof process.send, String(process.connected)] })`,
  read: `export default async () => {
  try { return new Response(await Deno.readTextFile('/etc/hostname')) }
  catch (e) { return Response.json({ name: e.name, message: e.message }, { status: 403 }) }
}`,
  crash: `export default () => { throw new Error('handler boom') }`,
  string: `export default () => new Response(new ReadableStream({ start(c) { c.enqueue('not bytes'); c.close() } }))`,
};

const log = (message: string) => console.log(`[deno-runner.test] ${message}`);
const runner0 = createDenoRunner({}, { workDir: tmpdir(), env: process.env, log });
const missing = await runner0.unavailable();

describe.skipIf(missing !== undefined)('deno runner', () => {
  let workDir: string;
  let runner: Runner;
  let loaded: Loaded;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'edgecompat-deno-'));
    runner = createDenoRunner({}, { workDir, env: process.env, log });
    const t0 = performance.now();
    loaded = await runner.start(Object.entries(ROUTES).map(([key, source]) => ({ caseId: `test/${key}`, key, source })));
    log(`start() to Loaded, ${Object.keys(ROUTES).length} routes: ${(performance.now() - t0).toFixed(0)} ms`);
  });

  afterAll(async () => {
    await runner?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('reports the runtime, its own version and its permission flags', async () => {
    const info = await runner.info();
    expect(info.runtime).toBe('deno');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.flags).toEqual(['--no-prompt', '--allow-net=127.0.0.1:0']);
  });

  it('shows what Deno itself offers a route', async () => {
    const probe = await (await fetch(loaded.urls.get('probe')!)).json();
    expect(probe.process).toBe('object');
    expect(probe.eval).toBe(2);
    // the IPC channel to the runner is out of sight, as in a plain run of the runtime
    expect(probe.atLoad).toEqual(['undefined', 'undefined']);
    expect(probe.atRequest).toEqual(['undefined', 'undefined']);
    expect(probe.ua).toMatch(/^Deno\//);
  });

  it('does not let a route read /etc/hostname', async () => {
    const response = await fetch(loaded.urls.get('read')!);
    expect(response.status).toBe(403);
    const error = await response.json();
    expect(['NotCapable', 'PermissionDenied']).toContain(error.name);
    log(`read /etc/hostname: ${error.name}: ${error.message}`);
  });

  it('lets Deno answer a throwing handler by itself', async () => {
    const response = await fetch(loaded.urls.get('crash')!);
    expect(response.status).toBe(500);
    log(`throwing handler: ${response.status} ${JSON.stringify(await response.text())}`);
  });

  it('records what a string body chunk does (no assertion beyond not hanging)', async () => {
    const outcome = await fetch(loaded.urls.get('string')!, { signal: AbortSignal.timeout(5000) })
      .then(async (r) => `status ${r.status}, body ${JSON.stringify(await r.text())}`)
      .catch((e: Error & { cause?: Error }) => `${e.name}: ${e.message}${e.cause ? ` (${e.cause.message})` : ''}`);
    log(`string chunk: ${outcome}`);
  });

  it('keeps each route\'s Cache API storage its own while the column\'s runners share one DENO_DIR', async () => {
    // Two runners of one column, as the engine makes them (one per route, ctx.shared in common).
    const shared = new Map<string, unknown>();
    const dirs = [await mkdtemp(join(tmpdir(), 'edgecompat-deno-a-')), await mkdtemp(join(tmpdir(), 'edgecompat-deno-b-'))];
    const [a, b] = dirs.map((dir) => createDenoRunner({}, { workDir: dir, env: process.env, log, shared }));
    const route = `export default async (request) => {
  if (new URL(request.url).pathname === '/put') await (await caches.open('ec-shared')).put('https://example.com/x', new Response('kept'));
  const hit = await caches.match('https://example.com/x');
  return Response.json({ has: await caches.has('ec-shared'), body: hit ? await hit.text() : null });
}`;
    try {
      const loadedA = await a.start([{ caseId: 'test/cache-a', key: 'cache-a', source: route }]);
      const loadedB = await b.start([{ caseId: 'test/cache-b', key: 'cache-b', source: route }]);
      // The control: the route that put the entry sees it, so the Cache API works here at all.
      expect(await (await fetch(`${loadedA.urls.get('cache-a')}/put`)).json()).toEqual({ has: true, body: 'kept' });
      expect(await (await fetch(`${loadedB.urls.get('cache-b')}/`)).json()).toEqual({ has: false, body: null });
      expect(shared.get('deno-dir')).toBe(join(dirs[0], 'deno-dir'));
    } finally {
      await a.stop();
      await b.stop();
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    }
  });
});

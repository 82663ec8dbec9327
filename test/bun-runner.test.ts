/**
 * The Bun runner against a real `bun` (skipped when none is installed): routes answer over HTTP,
 * a top-level throw fails alone, chunks stream, Bun starts no server
 * of its own (port 3000), and no process outlives stop().
 */
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBunRunner } from '../runners/bun/runner.ts';
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
  crash: `export default () => { throw new Error('handler boom') }`,
  string: `export default () => new Response(new ReadableStream({ start(c) { c.enqueue('not bytes'); c.close() } }))`,
};

/** Pids whose command line mentions `marker` (Linux /proc). */
async function pidsWith(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) pids.push(Number(entry));
  }
  return pids;
}

/** The TCP ports process `pid` listens on (Linux: its socket inodes matched in /proc/net/tcp{,6}). */
async function listeningPorts(pid: number): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]);
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      // fields: sl local_address rem_address st ... inode (index 9); st 0A is LISTEN
      if (fields[3] === '0A' && inodes.has(fields[9])) ports.push(parseInt(fields[1].split(':')[1], 16));
    }
  }
  return ports.sort();
}

/** Reads a body, returning each chunk's text and arrival time in ms since the request. */
async function chunksOf(url: string): Promise<{ text: string; at: number }[]> {
  const t0 = performance.now();
  const response = await fetch(url);
  const reader = response.body!.getReader();
  const chunks: { text: string; at: number }[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push({ text: Buffer.from(value).toString(), at: performance.now() - t0 });
  }
}

const log = (message: string) => console.log(`[bun-runner.test] ${message}`);
const runner0 = createBunRunner({}, { workDir: tmpdir(), env: process.env, log });
const missing = await runner0.unavailable();

describe.skipIf(missing !== undefined)('bun runner', () => {
  let workDir: string;
  let runner: Runner;
  let loaded: Loaded;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'edgecompat-bun-'));
    runner = createBunRunner({}, { workDir, env: process.env, log });
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
    expect(info.runtime).toBe('bun');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.flags).toEqual(['--no-install', '--no-env-file', '--no-orphans']);
    expect(info.settings).toEqual({ development: false });
  });

  it('serves each route on its own 127.0.0.1 port and answers over HTTP', async () => {
    expect(loaded.urls.get('plain')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${loaded.urls.get('plain')}/x?y`)).text()).toBe('plain /x');
    expect(await (await fetch(loaded.urls.get('object')!)).text()).toBe('object obj');
  });

  it('reports a top-level throw as a load failure of that route alone', () => {
    expect(loaded.failures.get('throws')).toEqual({ name: 'RangeError', message: 'top-level boom', phase: 'load' });
    expect(loaded.urls.has('throws')).toBe(false);
    expect([...loaded.urls.keys()].sort()).toEqual(['crash', 'object', 'plain', 'probe', 'stream', 'string']);
  });

  it('streams chunks as they are enqueued', async () => {
    const chunks = await chunksOf(loaded.urls.get('stream')!);
    expect(chunks.map((c) => c.text).join('')).toBe('ab');
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks.at(-1)!.at - chunks[0].at).toBeGreaterThanOrEqual(150);
  });

  it('shows what Bun itself offers a route', async () => {
    const probe = await (await fetch(loaded.urls.get('probe')!)).json();
    expect(probe.process).toBe('object');
    expect(probe.eval).toBe(2);
    // the IPC channel to the runner is out of sight, as in a plain run of the runtime
    expect(probe.atLoad).toEqual(['undefined', 'false']);
    expect(probe.atRequest).toEqual(['undefined', 'false']);
    expect(probe.ua).toMatch(/^Bun\//);
  });

  it('listens only on the routes\' ports: no server of its own on 3000', async () => {
    const [pid] = await pidsWith(workDir);
    const served = [...loaded.urls.values()].map((url) => Number(new URL(url).port)).sort();
    expect(await listeningPorts(pid)).toEqual(served);
  });

  it('lets Bun answer a throwing handler by itself', async () => {
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

  it('leaves no process behind after stop(), and stop() is safe twice', async () => {
    expect((await pidsWith(workDir)).length).toBe(1);
    await runner.stop();
    await runner.stop();
    expect(await pidsWith(workDir)).toEqual([]);
  });

  it('stays up with no route loaded, until stopped', async () => {
    const none = await runner.start([{ caseId: 'test/throws', key: 'throws', source: ROUTES.throws }]);
    expect(none.urls.size).toBe(0);
    const outcome = await Promise.race([runner.exited().then(() => 'exited'), new Promise((r) => setTimeout(() => r('up'), 1500))]);
    expect(outcome).toBe('up');
    await runner.stop();
  });

  it('resolves exited() when the process dies unasked, and starts 50 routes', async () => {
    const one = await runner.start([{ caseId: 'test/one', key: 'one', source: ROUTES.plain }]);
    expect(await (await fetch(one.urls.get('one')!)).text()).toBe('plain /');
    const [pid] = await pidsWith(workDir);
    process.kill(pid, 'SIGKILL');
    const exit = await runner.exited();
    expect(exit.signal).toBe('SIGKILL');

    for (const count of [1, 50]) {
      const routes = Array.from({ length: count }, (_, i) => ({ caseId: `test/r${i}`, key: `r${i}`, source: ROUTES.plain }));
      const t0 = performance.now();
      const many = await runner.start(routes);
      log(`start() to Loaded, ${count} routes: ${(performance.now() - t0).toFixed(0)} ms`);
      expect(many.urls.size).toBe(count);
      const answers = await Promise.all([...many.urls.values()].map(async (url) => (await fetch(url)).text()));
      expect(new Set(answers)).toEqual(new Set(['plain /']));
    }
    await runner.stop();
    expect(await pidsWith(workDir)).toEqual([]);
  });
});

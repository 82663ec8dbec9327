/**
 * What is Bun's own in the bun runner (the rest is in runner-matrix.test.ts): its version and flags,
 * the IPC channel out of the routes' sight, no server of its own on port 3000, and what Bun does
 * with a throwing handler and a string chunk.
 */
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidsWith } from './support/processes.ts';
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

});

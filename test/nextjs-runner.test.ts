/**
 * The Next.js runner against the pinned next, once per router kind (one cold build each: a per-run
 * nonce in one route makes the hash new): routes answer over real HTTP, a route using eval is a
 * 'build' failure with Next's message, chunks stream, an unchanged second start reuses the build,
 * exited() reports a server killed from outside, and no next process outlives stop().
 */
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chunksOf } from './support/chunks.ts';
import { nextjsRunner, type NextjsRunner } from '../runners/nextjs/runner.ts';
import type { Loaded, RouteModule } from '../runners/types.ts';

const NONCE = `${Date.now()}-${process.pid}`;
const ROUTES: Record<string, string> = {
  plain: `// test run ${NONCE}\nexport default (req) => new Response('plain ' + req.method + ' ' + req.url)`,
  object: `export default { name: 'obj', fetch(req) { return new Response('object ' + this.name + ' ' + (req instanceof Request)) } }`,
  stream: `const enc = new TextEncoder();
export default () => new Response(new ReadableStream({
  async start(c) { c.enqueue(enc.encode('a')); await new Promise((r) => setTimeout(r, 300)); c.enqueue(enc.encode('b')); c.close(); },
}))`,
  evil: `export default () => new Response(String(eval('1+1')))`,
};
const routes: RouteModule[] = Object.entries(ROUTES).map(([key, source]) => ({ caseId: `test/${key}`, key, source }));

/** Pids in a process group (Linux /proc): the server and anything it spawned. */
function groupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces, so read after the last ')'.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const log = (message: string) => console.log(`[nextjs-runner.test] ${message}`);
const ctx = { workDir: tmpdir(), env: process.env, log };
const missing = await nextjsRunner({}, ctx).unavailable();

describe.skipIf(missing !== undefined).each(['pages', 'app'])('nextjs runner, %s router', (router) => {
  let runner: NextjsRunner;
  let loaded: Loaded;

  beforeAll(async () => {
    runner = nextjsRunner({ router }, ctx) as NextjsRunner;
    const t0 = performance.now();
    loaded = await runner.start(routes);
    log(`${router}: first start (build: ${runner.lastBuild()?.reused ? 'cached' : 'cold'}) ${(performance.now() - t0).toFixed(0)} ms`);
  }, 180_000);

  afterAll(async () => {
    await runner?.stop();
  });

  it('reports nextjs, the version of next itself, and the router', async () => {
    const info = await runner.info();
    const installed = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'node_modules', 'next', 'package.json'), 'utf8')).version;
    expect(info).toMatchObject({ runtime: 'nextjs', version: installed, settings: { router } });
    expect(info.flags).toContain('runtime=edge');
  });

  it('builds in one cold build, with eval refused at build time and the others served', () => {
    expect(runner.lastBuild()?.reused).toBe(false);
    expect([...loaded.urls.keys()].sort()).toEqual(['object', 'plain', 'stream']);
    const failure = loaded.failures.get('evil');
    expect(failure?.phase).toBe('build');
    expect(failure?.message).toMatch(/Dynamic Code Evaluation/);
    expect(failure?.message).toMatch(/routes\/evil\.js/);
    expect(failure?.message).not.toMatch(/\.edgecompat\/cache/);
  });

  it('answers over real HTTP, with the handler or { fetch } seeing the request Next hands over', async () => {
    const plain = await fetch(`${loaded.urls.get('plain')}/p?q=1`, { method: 'POST', body: 'x' });
    expect(plain.status).toBe(200);
    const text = await plain.text();
    log(`${router}: request.url as the route sees it: ${text.slice('plain POST '.length)}`);
    expect(text).toMatch(new RegExp(`^plain POST http://[^/]+/api/ec/plain/p\\?q=1`));
    const object = await fetch(loaded.urls.get('object')!);
    expect(await object.text()).toBe('object obj true');
  });

  it('streams: the two chunks arrive separately, about 300 ms apart', async () => {
    const chunks = await chunksOf(loaded.urls.get('stream')!);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe('ab');
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks.at(-1)!.at - chunks[0].at).toBeGreaterThan(150);
  });

  it('reuses the finished build on an unchanged second start, and exited() sees an outside kill', async () => {
    const use = runner.lastBuild()!;
    const buildId = readFileSync(join(use.dir, '.next', 'BUILD_ID'), 'utf8');
    await runner.stop();
    const again = await runner.start(routes);
    expect(runner.lastBuild()).toMatchObject({ reused: true, dir: use.dir });
    expect(runner.lastBuild()!.record.finishedAt).toBe(use.record.finishedAt);
    expect(readFileSync(join(use.dir, '.next', 'BUILD_ID'), 'utf8')).toBe(buildId);
    expect(again.failures.get('evil')?.phase).toBe('build');
    expect((await fetch(again.urls.get('object')!)).status).toBe(200);
    const pid = runner.serverPid()!;
    process.kill(-pid, 'SIGKILL');
    const exit = await runner.exited();
    expect(exit.signal).toBe('SIGKILL');
    await runner.stop();
  }, 60_000);

  it('leaves no next process behind after stop()', async () => {
    await runner.stop();
    const loadedAgain = await runner.start(routes);
    const pid = runner.serverPid()!;
    expect((await fetch(loadedAgain.urls.get('plain')!)).status).toBe(200);
    expect(groupMembers(pid).length).toBeGreaterThan(0);
    await runner.stop();
    await runner.stop(); // safe twice
    expect(groupMembers(pid)).toEqual([]);
    expect(runner.serverPid()).toBeUndefined();
  }, 60_000);
});

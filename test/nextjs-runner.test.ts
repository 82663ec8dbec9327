/**
 * The Next.js runner against the pinned next, once per router kind (one cold build each: a per-run
 * nonce in one route makes the hash new): routes answer over real HTTP, a route using eval is a
 * 'build' failure with Next's message, chunks stream, a route sees its URL exactly as the client
 * asked for it (no trace of the mount), a route from a file and an inline route import a helper and
 * a package that Next bundles itself, an unchanged second start reuses the build, exited() reports a
 * server killed from outside, and no next process outlives stop().
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
  url: 'export default (request) => new Response(request.url)',
};
/** test/fixtures/nextjs/imports: route.ts imports ./lib.ts and ec-fixture-shout from its own node_modules. */
const IMPORTS = join(import.meta.dirname, 'fixtures', 'nextjs', 'imports');
const ROUTE_FILE = join(IMPORTS, 'route.ts');
const INLINE_TS = `import { greet } from './lib.ts';
import shout from 'ec-fixture-shout';
export default (request: Request): Response => new Response(greet('inline') + ' ' + shout('pkg'));
`;
const routes: RouteModule[] = [
  ...Object.entries(ROUTES).map(([key, source]) => ({ caseId: `test/${key}`, key, source })),
  // As the engine hands them over: \`source\` has the types stripped, \`origin\` says where the route lives.
  {
    caseId: 'test/imports-file',
    key: 'imports-file',
    source: '(unused: Next builds the origin)',
    origin: { source: readFileSync(ROUTE_FILE, 'utf8'), lang: 'ts', file: ROUTE_FILE, resolveDir: IMPORTS },
  },
  { caseId: 'test/imports-inline', key: 'imports-inline', source: '(unused: Next builds the origin)', origin: { source: INLINE_TS, lang: 'ts', resolveDir: IMPORTS } },
  // An inline TypeScript route that imports nothing: written into the app as written; Next strips the types.
  {
    caseId: 'test/typed',
    key: 'typed',
    source: '(unused: Next builds the origin)',
    origin: { source: "const label: string = 'typed';\nexport default (request: Request): Response => new Response(`${label} ${request.method}`);\n", lang: 'ts', resolveDir: IMPORTS },
  },
];

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
    expect([...loaded.urls.keys()].sort()).toEqual(['imports-file', 'imports-inline', 'object', 'plain', 'stream', 'typed', 'url']);
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

  it('shows a route its path suffix and query exactly as sent: no catch-all params, nothing of the mount', async () => {
    const base = loaded.urls.get('url')!;
    // Next names every loopback host "localhost" in the URL an edge route sees, whatever the mount
    // (parseURL in next/dist/server/web/next-url.js); the rest is the URL the client asked for.
    const seen = base.replace('//127.0.0.1:', '//localhost:');
    const deep = await fetch(`${base}/items/42?sort=asc&x=1`);
    expect(await deep.text()).toBe(`${seen}/items/42?sort=asc&x=1`);
    // The case path "/?a=b" goes to the base itself (core/run/client.ts joinUrl).
    expect(await (await fetch(`${base}?a=b`)).text()).toBe(`${seen}?a=b`);
    // Query names Next uses for route params reach the route as sent.
    expect(await (await fetch(`${base}/a/b?path=p&key=k`)).text()).toBe(`${seen}/a/b?path=p&key=k`);
  });

  it('bundles what a route imports where it lives: a helper and a package (its edge-light entry), from a file or inline; TypeScript as written', async () => {
    const fromFile = await fetch(`${loaded.urls.get('imports-file')}/x`);
    expect(await fromFile.text()).toBe('hello route PKG! (edge-light) GET');
    const inline = await fetch(loaded.urls.get('imports-inline')!);
    expect(await inline.text()).toBe('hello inline PKG! (edge-light)');
    expect(await (await fetch(loaded.urls.get('typed')!, { method: 'POST' })).text()).toBe('typed POST');
    // The inline route was written beside its case file for the build only.
    expect(readdirSync(IMPORTS).filter((name) => name.startsWith('.edgecompat-'))).toEqual([]);
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

/**
 * The same runner tests on every built-in runner, like h3's describeMatrix: routes answer over real
 * HTTP, `{ fetch }` objects keep `this`, bodies stream chunk by chunk (and a buffered body is told
 * apart by the judge), a route that fails to load fails alone, the target stays up with no route,
 * a death nobody asked for is reported, and stop() leaves nothing running.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../core/run/client.ts';
import { judge } from '../core/judge/judge.ts';
import type { Case, StepObservation } from '../core/types.ts';
import { RUNNERS, TARGETS } from '../runners/registry.ts';
import type { Loaded, Runner } from '../runners/types.ts';
import { pidsWith } from './support/processes.ts';
import { createClientAgent } from '../runners/client-agent.ts';

const STREAMED = `export default () => new Response(new ReadableStream({
  async start(c) {
    c.enqueue(new TextEncoder().encode('a'));
    await new Promise((r) => setTimeout(r, 300));
    c.enqueue(new TextEncoder().encode('b'));
    c.close();
  },
}))`;
const BUFFERED = `export default async () => {
  await new Promise((r) => setTimeout(r, 300));
  return new Response('ab');
}`;
const ROUTES = [
  { key: 'plain', source: `export default (req) => new Response('plain ' + req.method)` },
  { key: 'object', source: `export default { name: 'obj', fetch(req) { return new Response('object ' + this.name) } }` },
  { key: 'streamed', source: STREAMED },
  { key: 'buffered', source: BUFFERED },
  { key: 'broken', source: `throw new RangeError('broken at load');\nexport default () => new Response('never')` },
].map((r) => ({ ...r, caseId: `matrix/${r.key}` }));

const STREAMING_CASE: Case = {
  id: 'matrix/streaming',
  title: 'streams',
  area: 'matrix',
  feature: 'streaming',
  tags: [],
  source: 'https://streams.spec.whatwg.org/',
  file: 'test',
  resolveDir: '/',
  timeoutMs: 10_000,
  route: STREAMED,
  routeLang: 'js',
  steps: [{ request: { method: 'GET', path: '/' }, expect: { body: { equals: 'ab' }, stream: { minChunks: 2, gapAtLeastMs: 150 } }, startAfter: 'previous-done' }],
};

/** Every built-in column that hosts routes itself (http needs a deployed app; nextjs has its own test). */
// miniflare runs its workerd from stdin, with no folder of ours on its command line: test/miniflare-runner.test.ts.
const MATRIX = TARGETS.filter((t) => !['nextjs', 'nextjs-app', 'http', 'miniflare'].includes(t.runner) && t.name === t.runner);

for (const target of MATRIX) {
  const workDir = mkdtempSync(join(tmpdir(), `edgecompat-matrix-${target.name}-`));
  const runner: Runner = RUNNERS[target.runner](target.settings, { workDir, env: process.env, log: () => {} });
  const missing = await runner.unavailable();

  describe.skipIf(missing !== undefined)(`runner matrix: ${target.name}`, () => {
    const agent = createClientAgent();
    let loaded: Loaded;
    const get = (key: string, path = '/'): Promise<StepObservation> =>
      send(loaded.urls.get(key)!, { method: 'GET', path }, { agent, signal: AbortSignal.timeout(10_000) });

    beforeAll(async () => {
      loaded = await runner.start(ROUTES);
    });
    afterAll(async () => {
      await runner.stop();
      await agent.close();
      rmSync(workDir, { recursive: true, force: true });
    });

    it('reports its runtime and a version asked of it', async () => {
      const info = await runner.info();
      expect(info.runtime).toBe(target.runner);
      expect(info.version).toMatch(/\d/);
    });

    it('serves a handler and a { fetch } object, each on 127.0.0.1', async () => {
      expect((await get('plain')).bodyText).toBe('plain GET');
      expect((await get('object')).bodyText).toBe('object obj');
      for (const url of loaded.urls.values()) expect(new URL(url).hostname).toBe('127.0.0.1');
    });

    it('delivers chunks as they are enqueued, and the judge tells a buffered body apart', async () => {
      const streamed = await get('streamed');
      const buffered = await get('buffered');
      expect(streamed.bodyText).toBe('ab');
      expect(buffered.bodyText).toBe('ab');
      expect(judge(STREAMING_CASE, { steps: [streamed] })).toMatchObject({ status: 'PASS' });
      const verdict = judge(STREAMING_CASE, { steps: [buffered] });
      expect(verdict.status).toBe('FAIL');
      expect(verdict.message).toContain('expected at least 2 body chunks, saw 1');
    });

    it('reports a route that throws at load as that route’s failure alone', () => {
      expect(loaded.failures.get('broken')).toMatchObject({ phase: 'load', message: expect.stringContaining('broken at load') });
      expect([...loaded.urls.keys()].sort()).toEqual(['buffered', 'object', 'plain', 'streamed']);
    });

    it('leaves nothing running or listening after stop(), and stop() is safe twice', async () => {
      const url = loaded.urls.get('plain')!;
      expect((await pidsWith(workDir)).length).toBeGreaterThanOrEqual(1);
      await runner.stop();
      await runner.stop();
      expect(await pidsWith(workDir)).toEqual([]);
      const after = await send(url, { method: 'GET', path: '/' }, { agent, signal: AbortSignal.timeout(5000) });
      expect(after.error?.name).toBe('ECONNREFUSED');
    });

    it('stays up with no route loaded, until stopped', async () => {
      const none = await runner.start(ROUTES.filter((r) => r.key === 'broken'));
      expect(none.urls.size).toBe(0);
      const outcome = await Promise.race([runner.exited().then(() => 'exited'), new Promise((r) => setTimeout(() => r('up'), 1500))]);
      expect(outcome).toBe('up');
      await runner.stop();
    });

    it('resolves exited() when the target dies unasked, and starts again with 50 routes', async () => {
      await runner.start(ROUTES.filter((r) => r.key === 'plain'));
      const pids = await pidsWith(workDir);
      expect(pids.length).toBeGreaterThanOrEqual(1);
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      expect(await runner.exited()).toMatchObject({ signal: 'SIGKILL' });
      const many = Array.from({ length: 50 }, (_, i) => ({ caseId: `matrix/r${i}`, key: `r${i}`, source: ROUTES[0].source }));
      loaded = await runner.start(many);
      expect(loaded.urls.size).toBe(50);
      const answers = await Promise.all(many.map((r) => get(r.key)));
      expect(new Set(answers.map((a) => a.bodyText))).toEqual(new Set(['plain GET']));
      await runner.stop();
      expect(await pidsWith(workDir)).toEqual([]);
    });
  });
}

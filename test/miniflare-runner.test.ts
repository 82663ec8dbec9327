/**
 * The miniflare runner against the pinned miniflare: each route in its own workerd, a Cache API
 * backed by a real cache (which plain workerd lacks), a route that throws at load failing alone,
 * exited() on a workerd killed from outside, and no workerd of its own left after stop().
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { send } from '../core/run/client.ts';
import { miniflareRunner } from '../runners/miniflare/runner.ts';
import { createClientAgent } from '../runners/client-agent.ts';

const workDir = mkdtempSync(join(tmpdir(), 'edgecompat-miniflare-test-'));
const agent = createClientAgent();
const runner = miniflareRunner({}, { workDir, env: process.env, log: () => {} });
const missing = await runner.unavailable();

/** The workerd processes this test process started (through miniflare), from /proc. */
function myWorkerds(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('workerd');
      } catch {
        return false;
      }
    })
    .map(Number);
}

const ROUTES = [
  { key: 'plain', source: `export default (req) => new Response('plain ' + req.method)` },
  { key: 'object', source: `export default { fetch() { return new Response('object') } }` },
  {
    key: 'cache',
    source: `export default async () => {
  const url = 'http://example.com/' + crypto.randomUUID();
  await caches.default.put(url, new Response('stored', { headers: { 'cache-control': 'max-age=60' } }));
  const hit = await caches.default.match(url);
  return new Response(hit ? await hit.text() : 'miss');
}`,
  },
  { key: 'broken', source: `throw new RangeError('broken at load');\nexport default () => new Response('never')` },
].map((r) => ({ ...r, caseId: `miniflare/${r.key}` }));

afterAll(async () => {
  await runner.stop();
  await agent.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe.skipIf(missing !== undefined)('miniflare runner', () => {
  it('serves each route in its own workerd, with a working Cache API, and a load failure alone', async () => {
    const info = await runner.info();
    expect(info.runtime).toBe('miniflare');
    expect(info.version).toMatch(/^\d+\.\d+\.\d+ \(workerd 1\.\d{8}\.\d+\)$/);
    const loaded = await runner.start(ROUTES);
    expect([...loaded.urls.keys()].sort()).toEqual(['cache', 'object', 'plain']);
    expect(loaded.failures.get('broken')).toMatchObject({ name: 'RangeError', phase: 'load', message: expect.stringContaining('broken at load') });
    const body = async (key: string) => (await send(loaded.urls.get(key)!, { method: 'GET', path: '/' }, { agent, signal: AbortSignal.timeout(10_000) })).bodyText;
    expect(await body('plain')).toBe('plain GET');
    expect(await body('object')).toBe('object');
    // Plain workerd throws "No Cache was configured" here; miniflare gives it a cache.
    expect(await body('cache')).toBe('stored');
    expect(myWorkerds().length).toBe(3);
  }, 60_000);

  it('resolves exited() when its workerd dies unasked, and leaves none after stop()', async () => {
    await runner.start(ROUTES.filter((r) => r.key === 'plain'));
    const pids = myWorkerds();
    expect(pids.length).toBe(1);
    process.kill(pids[0], 'SIGKILL');
    await expect(runner.exited()).resolves.toMatchObject({ exitCode: null });
    await runner.stop();
    await runner.stop();
    expect(myWorkerds()).toEqual([]);
  }, 60_000);
});

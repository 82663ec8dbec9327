/**
 * The workerd runner against the real binary: routes answer over HTTP, a broken route is a load
 * failure while the others serve, bodies stream, the runtime's own behaviour shows through, and
 * nothing is left running.
 */
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Loaded, RouteModule, Runner } from '../runners/types.ts';
import { workerdRunner } from '../runners/workerd/runner.ts';

const dirs: string[] = [];
const runners: Runner[] = [];

function makeRunner(settings: Record<string, unknown>): { runner: Runner; workDir: string } {
  const workDir = mkdtempSync(join(tmpdir(), 'edgecompat-workerd-'));
  dirs.push(workDir);
  const runner = workerdRunner(settings, { workDir, env: process.env, log: () => {} });
  runners.push(runner);
  return { runner, workDir };
}

/** The workerd processes started in workDir (ours only: other tests may run workerd at the same time). */
function workerdPidsIn(workDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes('workerd') && readlinkSync(`/proc/${entry}/cwd`) === workDir) pids.push(Number(entry));
    } catch {
      /* gone meanwhile, or not ours to read */
    }
  }
  return pids;
}

const route = (key: string, source: string): RouteModule => ({ caseId: `workerd-runner/${key}`, key, source });

const PROBE = `export default {
  fetch() {
    let evalResult;
    try { evalResult = String(eval('1+1')); } catch (e) { evalResult = e.name + ': ' + e.message; }
    return Response.json({ process: typeof process, eval: evalResult, userAgent: navigator.userAgent });
  }
}`;

const STREAM = `export default () => new Response(new ReadableStream({
  async start(c) {
    c.enqueue(new TextEncoder().encode('a'));
    await new Promise((r) => setTimeout(r, 300));
    c.enqueue(new TextEncoder().encode('b'));
    c.close();
  }
}))`;

afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('workerd runner', () => {
  it('serves good routes, reports the broken one, streams, and stops clean', async () => {
    const { runner, workDir } = makeRunner({ compatibilityDate: '2024-09-23' });
    expect(await runner.unavailable()).toBeUndefined();
    const loaded: Loaded = await runner.start([
      route('ok', 'export default { fetch: (req) => new Response("ok " + new URL(req.url).pathname + new URL(req.url).search) }'),
      route('stream', STREAM),
      route('broken', 'export default { fetch() { return new Response("x") }'),
      route('probe', PROBE),
    ]);

    expect([...loaded.urls.keys()].sort()).toEqual(['ok', 'probe', 'stream']);
    for (const url of loaded.urls.values()) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const failure = loaded.failures.get('broken');
    expect(failure?.phase).toBe('load');
    expect(failure?.name).toBe('SyntaxError');
    expect(failure?.message).toMatch(/SyntaxError/);

    // The route sees the path and query as sent: no prefix, no dispatcher.
    const ok = await fetch(`${loaded.urls.get('ok')}/p/q?x=1`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('ok /p/q?x=1');

    const probe = await (await fetch(`${loaded.urls.get('probe')}/`)).json();
    expect(probe).toEqual({
      process: 'undefined',
      eval: 'EvalError: Code generation from strings disallowed for this context',
      userAgent: 'Cloudflare-Workers',
    });

    const res = await fetch(`${loaded.urls.get('stream')}/`);
    const reader = res.body!.getReader();
    const chunks: { text: string; at: number }[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push({ text: new TextDecoder().decode(value), at: performance.now() });
    }
    expect(chunks.map((c) => c.text).join('')).toBe('ab');
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks.at(-1)!.at - chunks[0].at).toBeGreaterThanOrEqual(150);

    expect(workerdPidsIn(workDir)).toHaveLength(1);
    await runner.stop();
    expect(workerdPidsIn(workDir)).toEqual([]);
    await runner.stop();
  });

  it('reports its version and settings, defaulting the date to the binary own', async () => {
    const { runner } = makeRunner({});
    const info = await runner.info();
    expect(info.runtime).toBe('workerd');
    expect(info.version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(info.settings).toEqual({ compatibilityDate: info.version, compatibilityFlags: [] });
    expect(info.flags).toEqual([]);
  });

  it('has process with nodejs_compat', async () => {
    const { runner } = makeRunner({ compatibilityDate: '2024-09-23', compatibilityFlags: ['nodejs_compat'] });
    expect((await runner.info()).flags).toEqual(['nodejs_compat']);
    const loaded = await runner.start([route('probe', PROBE)]);
    expect(loaded.failures).toEqual(new Map());
    const probe = await (await fetch(`${loaded.urls.get('probe')}/`)).json();
    expect(probe.process).toBe('object');
  });

  it('has nodejs_compat by default from 2026-08-04, node:fs included', async () => {
    const fs = route('fs', 'import fs from "node:fs"; export default () => new Response(typeof process + " " + typeof fs.readFileSync)');
    const { runner: before } = makeRunner({ compatibilityDate: '2026-08-03' });
    expect((await before.start([fs])).failures.get('fs')?.message).toMatch(/No such module "node:fs"/);
    await before.stop();
    const { runner: after } = makeRunner({ compatibilityDate: '2026-08-04' });
    const loaded = await after.start([fs]);
    expect(await (await fetch(`${loaded.urls.get('fs')}/`)).text()).toBe('object function');
  });

  it('refuses node:fs without nodejs_compat, and a route with no handler, as load failures', async () => {
    const { runner } = makeRunner({ compatibilityDate: '2024-09-23' });
    const loaded = await runner.start([
      route('fs', 'import fs from "node:fs"; export default () => new Response(String(fs))'),
      route('throws', 'throw new RangeError("top"); export default () => new Response("x")'),
      route('none', 'export const x = 1'),
    ]);
    expect(loaded.urls.size).toBe(0);
    expect(loaded.failures.get('fs')?.message).toMatch(/No such module "node:fs"/);
    expect(loaded.failures.get('throws')).toMatchObject({ name: 'RangeError', phase: 'load' });
    expect(loaded.failures.get('none')?.message).toMatch(/must export default a handler function or \{ fetch \}/);
  });

  it('refuses a compatibility date after the binary own with a clear error', async () => {
    const { runner, workDir } = makeRunner({ compatibilityDate: '2099-01-01' });
    await expect(runner.start([route('ok', 'export default () => new Response("ok")')])).rejects.toThrow(/compatibility date "2099-01-01"/);
    expect(workerdPidsIn(workDir)).toEqual([]);
    const { runner: bad } = makeRunner({ compatibilityDate: '24-9-23' });
    await expect(bad.start([])).rejects.toThrow(/YYYY-MM-DD/);
  });

  it('resolves exited() when workerd dies without stop()', async () => {
    const { runner, workDir } = makeRunner({ compatibilityDate: '2024-09-23' });
    await runner.start([route('ok', 'export default () => new Response("ok")')]);
    const [pid] = workerdPidsIn(workDir);
    process.kill(pid, 'SIGKILL');
    const exit = await runner.exited();
    expect(exit.signal).toBe('SIGKILL');
    expect(workerdPidsIn(workDir)).toEqual([]);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { judge } from '../core/judge/judge.ts';
import { supportProbeRoute, type ProbeOutcome } from '../core/cases/probe.ts';
import type { Case } from '../core/types.ts';
import type { Support } from '../core/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'ec-support-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the generated support probe route in this Node process and returns what it answered. */
async function runProbe(api: string, call?: string): Promise<ProbeOutcome> {
  const file = join(dir, `probe-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, supportProbeRoute(api, call));
  const route = (await import(pathToFileURL(file).href)).default as (r: Request) => Promise<Response>;
  return (await route(new Request('http://127.0.0.1/'))).json();
}

function supportCase(api: string, support: Support[], call?: string): Case {
  return {
    id: 'forbidden-apis/node-globals/x', title: 't', area: 'forbidden-apis', feature: 'node-globals', tags: [],
    source: 'https://example.org', file: 'f.yaml', resolveDir: '/', timeoutMs: 5000, route: supportProbeRoute(api, call), routeLang: 'js',
    probe: { api, call, support }, steps: [{ request: { method: 'GET', path: '/' }, expect: {}, startAfter: 'previous-done' }],
  };
}

const answered = (outcome: ProbeOutcome) => ({ steps: [{ status: 200, bodyText: JSON.stringify(outcome), bodyExcerpt: '' }] });

describe('support probes tell missing, stub and working apart', () => {
  it('finds a name that does not resolve, and an undefined property, missing', async () => {
    expect((await runProbe('notAGlobalAnywhere.cwd')).support).toBe('missing');
    expect((await runProbe('globalThis.notAProperty')).support).toBe('missing');
    expect((await runProbe("import('node:no-such-module')", "(await import('node:no-such-module')).x()")).support).toBe('missing');
    expect((await runProbe("import('node:os')", "(await import('node:os')).hostname()")).support).toBe('working');
  });

  it('finds a function that throws when called a stub, with the error', async () => {
    (globalThis as Record<string, unknown>).ecStub = { cwd: () => { throw new Error('A Node.js API is used (process.cwd) which is not supported in the Edge Runtime.'); } };
    const outcome = await runProbe('ecStub.cwd');
    expect(outcome).toMatchObject({ support: 'stub', ok: false, name: 'Error', apiType: 'function' });
    delete (globalThis as Record<string, unknown>).ecStub;
  });

  it('finds a call that rejects a stub, and one that gives a value working', async () => {
    (globalThis as Record<string, unknown>).ecAsync = { read: async () => { throw new TypeError('not implemented'); } };
    expect((await runProbe('ecAsync.read')).support).toBe('stub');
    delete (globalThis as Record<string, unknown>).ecAsync;
    const working = await runProbe('process.cwd', 'typeof process.cwd()');
    expect(working).toMatchObject({ support: 'working', ok: true, value: 'string' });
  });

  it('judges by the supports the case allows, naming what it found', () => {
    const stub = judge(supportCase('process.cwd', ['missing', 'stub']), answered({ ok: false, name: 'Error', message: 'not supported', support: 'stub', apiType: 'function' }));
    expect(stub).toEqual({ status: 'PASS', support: 'stub', message: 'process.cwd is a stub: it exists (function) but process.cwd() threw Error: not supported' });
    const working = judge(supportCase('process.cwd', ['missing', 'stub']), answered({ ok: true, type: 'string', value: '/', support: 'working', apiType: 'function' }));
    expect(working).toEqual({ status: 'FAIL', support: 'working', message: 'expected missing or stub, but process.cwd works: process.cwd() gave "/"' });
    const missing = judge(supportCase('Deno.cwd', ['working']), answered({ ok: true, type: 'undefined', support: 'missing' }));
    expect(missing).toMatchObject({ status: 'FAIL', support: 'missing', message: 'expected working, but Deno.cwd is missing' });
  });

  it('passes a case expecting no support when the build refused the route', () => {
    const verdict = judge(supportCase('process.cwd', ['missing', 'stub']), { loadError: { name: 'BuildError', message: 'not allowed', phase: 'build' }, steps: [] });
    expect(verdict.status).toBe('PASS');
    const wantsWorking = judge(supportCase('process.cwd', ['working']), { loadError: { name: 'BuildError', message: 'not allowed', phase: 'build' }, steps: [] });
    expect(wantsWorking.status).toBe('FAIL');
  });
});

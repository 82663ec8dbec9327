/**
 * A route module that exports a handler per HTTP method (a Next.js App Router route handler, no
 * default export) runs on every column as in the route's own app. test/fixtures/method-exports/:
 * route.ts exports GET and POST; default-export.ts is its GET as a default export; both report what
 * the handler observes of how it was called (observe.ts).
 *
 * - nextjs-app hands Next the module's own method exports; Next dispatches them.
 * - edge-runtime and workerd host the module under the generated dispatcher of
 *   core/run/route-modules.ts, which must answer every method as Next does (checked by hand against
 *   next 16.4.6, see METHOD_DISPATCHER): GET and POST by their handlers, PUT (not exported) 405
 *   with no body and no Allow, HEAD by GET with no body, OPTIONS 204 with Allow, a method that is
 *   not one of Next's seven (PROPFIND) 400.
 * - The dispatcher changes nothing the handler observes: GET sees exactly what its default-export
 *   twin sees on the same column (`this`, how many arguments and of which types, `typeof require`,
 *   `module`, `exports`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCases } from '../core/cases/load-cases.ts';
import { prepareRoute } from '../core/run/route-modules.ts';
import { RUNNERS, TARGETS } from '../runners/registry.ts';
import { runnerSettings } from '../runners/size-limits.ts';
import type { Loaded, RouteModule, Runner } from '../runners/types.ts';
import { methodExports } from '../runners/bundling/route-shape.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'method-exports');
const cases = await loadCases([FIXTURE]);
const ROUTE = 'modules/method-exports/route-handler';
const TWIN = 'modules/method-exports/default-export-twin';
const log = (message: string) => console.log(`[method-exports.test] ${message}`);

describe('methodExports', () => {
  it('lists the HTTP methods of a module without a default export, in Next order', () => {
    expect(methodExports('export async function POST() {}\nexport function GET() {}\nexport const runtime = "edge"', 'js')).toEqual(['GET', 'POST']);
    expect(methodExports('const h = {};\nexport const { GET, POST: P, ...rest } = h;\nexport { h as DELETE };', 'js')).toEqual(['GET', 'DELETE']);
    expect(methodExports('export const PATCH = (r: Request): Response => new Response(r.method);\nexport type GET = string;', 'ts')).toEqual(['PATCH']);
  });

  it('is undefined for a default export, a module with no method export, and one that does not parse', () => {
    expect(methodExports('export function GET() {}\nexport default GET', 'js')).toBeUndefined();
    expect(methodExports('function GET() {}\nexport { GET as default }', 'js')).toBeUndefined();
    expect(methodExports('export function get() {}\nconst GET = 1', 'js')).toBeUndefined();
    expect(methodExports('export function GET( {', 'js')).toBeUndefined();
  });
});

/** The columns the route runs on; each must answer as Next does. */
const COLUMNS = ['edge-runtime', 'workerd', 'nextjs-app'];

for (const name of COLUMNS) {
  const target = TARGETS.find((t) => t.name === name)!;
  const workDir = mkdtempSync(join(tmpdir(), `edgecompat-methods-${name}-`));
  const runner: Runner = RUNNERS[target.runner](runnerSettings(target), { workDir, env: process.env, log, shared: new Map() });
  const missing = await runner.unavailable();

  describe.skipIf(missing !== undefined)(`a route handler module on ${name}`, () => {
    let loaded: Loaded;
    const modules = new Map<string, RouteModule>();
    const send = async (caseId: string, method: string, body?: string) => {
      const key = modules.get(caseId)!.key;
      const base = loaded.urls.get(key);
      expect(base, JSON.stringify(loaded.failures.get(key))).toBeDefined();
      const response = await fetch(`${base}/probe`, { method, body, signal: AbortSignal.timeout(20_000) });
      return { status: response.status, allow: response.headers.get('allow'), handler: response.headers.get('x-handler'), body: await response.text() };
    };

    beforeAll(async () => {
      for (const c of cases) {
        const prepared = await prepareRoute(c, runner.bundling);
        expect(prepared.failure).toBeUndefined();
        modules.set(c.id, prepared.module);
      }
      await runner.prepare?.([...modules.values()]);
      loaded = await runner.start([...modules.values()]);
    }, 300_000);
    afterAll(async () => {
      await runner.stop();
      rmSync(workDir, { recursive: true, force: true });
    });

    it('answers GET and POST with their handlers', async () => {
      const get = await send(ROUTE, 'GET');
      expect(get).toMatchObject({ status: 200, handler: 'GET' });
      expect(JSON.parse(get.body)).toMatchObject({ method: 'GET', path: expect.stringMatching(/\/probe$/) });
      expect(await send(ROUTE, 'POST', 'x')).toMatchObject({ status: 201, handler: 'POST', body: 'posted x' });
    });

    it('answers a method it does not export with 405, no body and no Allow, as Next does', async () => {
      expect(await send(ROUTE, 'PUT', 'x')).toEqual({ status: 405, allow: null, handler: null, body: '' });
      expect(await send(ROUTE, 'DELETE')).toEqual({ status: 405, allow: null, handler: null, body: '' });
    });

    it('answers HEAD with GET, OPTIONS with the Allow list, and a method Next does not know with 400', async () => {
      expect(await send(ROUTE, 'HEAD')).toMatchObject({ status: 200, handler: 'GET', body: '' });
      expect(await send(ROUTE, 'OPTIONS')).toEqual({ status: 204, allow: 'GET, HEAD, OPTIONS, POST', handler: null, body: '' });
      expect(await send(ROUTE, 'PROPFIND')).toEqual({ status: 400, allow: null, handler: null, body: '' });
    });

    it('changes nothing the handler observes: GET sees what its default-export twin sees', async () => {
      // The path differs by the route's mount on nextjs-app (/api/ec/<key>/probe): the rest must not.
      const { path: _a, ...viaMethods } = JSON.parse((await send(ROUTE, 'GET')).body);
      const { path: _b, ...viaDefault } = JSON.parse((await send(TWIN, 'GET')).body);
      log(`${name}: GET observes ${JSON.stringify(viaMethods)}`);
      expect(viaMethods.arguments).toBeGreaterThanOrEqual(1);
      expect(viaMethods).toEqual(viaDefault);
    });
  });
}

describe('on the pages-router column', () => {
  it('is SKIP, naming why: Next pages API routes are default exports', async () => {
    const { spawnSync } = await import('node:child_process');
    const out = mkdtempSync(join(tmpdir(), 'edgecompat-method-pages-'));
    try {
      const ran = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'cli', 'bin.mjs'), 'run', '--suite', FIXTURE, '--targets', 'nextjs', '--reporter', 'json', '--out', out], { encoding: 'utf8' });
      expect(ran.status, ran.stderr).toBe(0);
      const { readFileSync } = await import('node:fs');
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { results: { caseId: string; status: string; message?: string }[] };
      expect(report.results.find((r) => r.caseId === ROUTE)).toMatchObject({ status: 'SKIP', message: 'its route exports HTTP method handlers (a Next.js route handler); nextjs hosts a default export only' });
      expect(report.results.find((r) => r.caseId === TWIN)!.status).toBe('PASS');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

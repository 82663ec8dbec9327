/**
 * A route's handler gets what its runtime hands a handler, no less: Deno.serve's `(request, info)`,
 * Bun.serve's `(request, server)`, workerd's `(request, env, ctx)`, and on edge-runtime the
 * `(request, { waitUntil })` of Vercel's wrapper; node's adapter passes the request alone. The same
 * holds for a bare function and for a `{ fetch }` object, whose `this` stays the object, and the
 * request itself still arrives (Deno.serve passes nothing at all to a handler whose length is 0).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNNERS, TARGETS } from '../runners/registry.ts';
import type { Loaded, Runner } from '../runners/types.ts';

/** Describes every argument after the request, as the route saw it. */
const DESCRIBE = `const describe = (args) => args.map((a) => ({
  type: a === null ? 'null' : typeof a,
  ctor: a?.constructor?.name,
  waitUntil: typeof a?.waitUntil,
  passThroughOnException: typeof a?.passThroughOnException,
  remoteHost: a?.remoteAddr?.hostname,
  completed: typeof a?.completed?.then,
  requestIP: typeof a?.requestIP,
  port: a?.port,
}));`;

const ROUTES = [
  { key: 'fn', source: `${DESCRIBE}\nexport default function (request, ...rest) { return Response.json({ shape: 'function', path: new URL(request.url).pathname, rest: describe(rest) }); }` },
  { key: 'obj', source: `${DESCRIBE}\nexport default { shape: 'object', fetch(request, ...rest) { return Response.json({ shape: this.shape, path: new URL(request.url).pathname, rest: describe(rest) }); } }` },
].map((r) => ({ ...r, caseId: `handler-arguments/${r.key}` }));

type Described = Record<string, unknown>;

/** What each runtime passes after the request, as checked by hand against the runtime alone. */
const EXPECTED: Record<string, (port: number) => Described[]> = {
  node: () => [],
  // Vercel's wrapper: handler(request, { waitUntil: event.waitUntil.bind(event) }).
  'edge-runtime': () => [{ type: 'object', ctor: 'Object', waitUntil: 'function' }],
  // Deno.serve: handler(request, info), info a ServeHandlerInfo with remoteAddr and completed.
  deno: () => [{ type: 'object', ctor: 'ServeHandlerInfo', remoteHost: '127.0.0.1', completed: 'function' }],
  // Bun.serve: fetch(request, server), the Server listening on the route's port.
  bun: (port) => [{ type: 'object', requestIP: 'function', port }],
  // workerd: fetch(request, env, ctx), ctx an ExecutionContext.
  workerd: () => [{ type: 'object' }, { type: 'object', ctor: 'ExecutionContext', waitUntil: 'function', passThroughOnException: 'function' }],
  miniflare: () => [{ type: 'object' }, { type: 'object', ctor: 'ExecutionContext', waitUntil: 'function', passThroughOnException: 'function' }],
};

const COLUMNS = TARGETS.filter((t) => t.name in EXPECTED && t.name === t.runner);

for (const target of COLUMNS) {
  const workDir = mkdtempSync(join(tmpdir(), `edgecompat-args-${target.name}-`));
  const runner: Runner = RUNNERS[target.runner](target.settings, { workDir, env: process.env, log: () => {} });
  const missing = await runner.unavailable();

  describe.skipIf(missing !== undefined)(`handler arguments: ${target.name}`, () => {
    let loaded: Loaded;
    beforeAll(async () => {
      loaded = await runner.start(ROUTES);
    }, 60_000);
    afterAll(async () => {
      await runner.stop();
      rmSync(workDir, { recursive: true, force: true });
    });

    for (const route of ROUTES) {
      it(`passes a ${route.key === 'fn' ? 'function' : '{ fetch } object'} what ${target.name} passes a handler`, async () => {
        const url = loaded.urls.get(route.key);
        expect(url, JSON.stringify(loaded.failures.get(route.key))).toBeDefined();
        const seen = (await (await fetch(`${url}/args`, { signal: AbortSignal.timeout(10_000) })).json()) as { shape: string; path: string; rest: Described[] };
        expect(seen.shape).toBe(route.key === 'fn' ? 'function' : 'object');
        expect(seen.path).toBe('/args');
        const want = EXPECTED[target.name](Number(new URL(url!).port));
        expect(seen.rest).toHaveLength(want.length);
        want.forEach((fields, i) => expect(seen.rest[i], `argument ${i + 2}`).toMatchObject(fields));
      });
    }
  });
}

/**
 * A size case's route is bundled with its payload token in place and the payload put in after
 * (core/run/route-modules.ts bundleThenPayload). The module must be the one bundling the route with its
 * payload in place gives, for every bundling the columns use, or the size figures and verdicts of
 * the size cases would be edgecompat's.
 */
import { describe, expect, it } from 'vitest';
import { loadCases } from '../core/cases/load-cases.ts';
import { PAYLOAD_TOKEN } from '../core/cases/payload.ts';
import { bundleRoute } from '../runners/bundling/bundle-route.ts';
import { prepareRoute, routeOrigin } from '../core/run/route-modules.ts';
import type { Case } from '../core/types.ts';
import { BUNDLING } from '../runners/bundling/platform-bundling.ts';
import type { Bundling } from '../runners/types.ts';
import { METHOD_DISPATCHER } from '../runners/bundling/route-shape.ts';

const SUITE = new URL('../suites/size-limits', import.meta.url).pathname;
const BUNDLINGS: [string, Bundling | undefined][] = [['default', undefined], ...Object.entries(BUNDLING)];

/** The module as bundling the whole route (payload in place) makes it. */
async function wholeBundle(c: Case, bundling: Bundling | undefined, wrapped: boolean): Promise<string | undefined> {
  const outcome = await bundleRoute(routeOrigin(c), bundling, c.id.split('/').pop(), wrapped ? { wrapper: METHOD_DISPATCHER } : {});
  return 'source' in outcome ? outcome.source : undefined;
}

describe('a size case payload, put in after bundling', () => {
  it('gives the same module as bundling the route with its payload, for every size case and bundling', async () => {
    const cases = (await loadCases([SUITE], SUITE)).filter((c) => c.payload).map((c) => ({ ...c, payload: { ...c.payload!, bytes: 3000 } }));
    expect(cases.length).toBeGreaterThan(10);
    for (const c of cases) {
      for (const [name, bundling] of BUNDLINGS) {
        const prepared = await prepareRoute(c, bundling);
        expect([c.id, name, prepared.module.source]).toEqual([c.id, name, await wholeBundle(c, bundling, false)]);
        expect(prepared.module.source).not.toContain(PAYLOAD_TOKEN);
      }
    }
  });

  it('holds through a real bundle (a wrapped route with imports), and where esbuild folds the token', async () => {
    const base = (await loadCases([SUITE], SUITE)).find((c) => c.payload)!;
    const routes = {
      wrapped: `import { gzipSync } from 'node:zlib';\nconst payload = ${PAYLOAD_TOKEN};\nexport function GET() { return new Response(String([payload][0].length + typeof gzipSync)); }\n`,
      folded: `export default () => new Response(String(${PAYLOAD_TOKEN}.length));\n`,
    };
    for (const [name, route] of Object.entries(routes)) {
      const c: Case = { ...base, id: `size-limits/test/${name}`, route, payload: { bytes: 5000, kind: 'random', seed: 3 } };
      const prepared = await prepareRoute(c, BUNDLING.workerd);
      expect([name, prepared.module.source]).toEqual([name, await wholeBundle(c, BUNDLING.workerd, name === 'wrapped')]);
      expect(prepared.module.source.length).toBeGreaterThan(5000);
    }
  });

  it('makes the route with its payload only when a runner reads it', async () => {
    const c = (await loadCases([SUITE], SUITE)).find((x) => x.payload)!;
    const origin = routeOrigin(c);
    expect(Object.getOwnPropertyDescriptor(origin, 'source')?.get).toBeTypeOf('function');
    expect(origin.source.length).toBe(c.route.length - PAYLOAD_TOKEN.length + c.payload!.bytes + 2);
    expect(origin.source).toBe(origin.source);
    expect(origin.resolveDir).toBe(c.resolveDir);
  });
});

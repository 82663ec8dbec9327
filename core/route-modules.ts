/**
 * Turning cases into the route modules runners host. JavaScript routes are passed on byte for
 * byte; TypeScript routes only lose their types (esbuild's transform, never its bundler, which
 * would rewrite `require` and change what the route observes).
 */
import { createHash } from 'node:crypto';
import { transform } from 'esbuild';
import type { RouteModule } from '../runners/types.ts';
import type { Case } from './types.ts';

/** A short, unique, URL- and file-safe name for a case: a readable slug of its id plus a hash. */
export function caseKey(id: string): string {
  const slug = id.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 56).replace(/-$/, '');
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 8);
  return `${slug}-${hash}`;
}

/** The route module of one case. */
export async function routeModule(testCase: Case): Promise<RouteModule> {
  let source = testCase.route;
  if (testCase.routeLang === 'ts') {
    const out = await transform(source, { loader: 'ts', format: 'esm', target: 'esnext', sourcefile: testCase.routeFile });
    source = out.code;
  }
  return { caseId: testCase.id, key: caseKey(testCase.id), source };
}

/** A hash of the cases' content, the same for the same case set whatever the order or slice. */
export function caseSetHash(cases: Case[]): string {
  const hash = createHash('sha256');
  for (const c of [...cases].sort((a, b) => a.id.localeCompare(b.id))) {
    hash.update(JSON.stringify([c.id, c.title, c.source, c.route, c.probe ?? null, c.refused ?? null, c.steps, c.timeoutMs]));
  }
  return hash.digest('hex').slice(0, 32);
}

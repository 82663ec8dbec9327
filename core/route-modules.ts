/**
 * Turning cases into the route modules runners host: each route bundled for the target's platform
 * (see route-bundle.ts), under a key that names it in the run.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Bundling, LoadFailure, RouteModule, RouteOrigin } from '../runners/types.ts';
import { bundleRoute } from './route-bundle.ts';
import { withPayload } from './payload.ts';
import type { Case } from './types.ts';

/** A short, unique, URL- and file-safe name for a case: a readable slug of its id plus a hash. */
export function caseKey(id: string): string {
  const slug = id.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 56).replace(/-$/, '');
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 8);
  return `${slug}-${hash}`;
}

/** A case's route, bundled for one target: the module to host, or why the platform's build refuses it. */
export interface PreparedRoute {
  module: RouteModule;
  failure?: LoadFailure;
}

/** Where a case's route comes from, before any bundling. */
export function routeOrigin(testCase: Case): RouteOrigin {
  return {
    source: withPayload(testCase.route, testCase.payload),
    lang: testCase.routeLang,
    ...(testCase.routeFile ? { file: resolve(testCase.routeFile) } : {}),
    resolveDir: testCase.resolveDir,
  };
}

/**
 * The route of one case, bundled as `bundling` says (by default: plain ES module resolution with
 * Node built-ins left to the runtime). A refusal by the build leaves `module.source` as written.
 */
export async function prepareRoute(testCase: Case, bundling?: Bundling): Promise<PreparedRoute> {
  const origin = routeOrigin(testCase);
  const outcome = await bundleRoute(origin, bundling, testCase.id.split('/').pop());
  const module: RouteModule = { caseId: testCase.id, key: caseKey(testCase.id), source: 'source' in outcome ? outcome.source : testCase.route, origin, loadTimeoutMs: testCase.timeoutMs };
  return 'failure' in outcome ? { module, failure: outcome.failure } : { module };
}

/** The route module of one case for a target that declares no bundling; throws when the build refuses it. */
export async function routeModule(testCase: Case, bundling?: Bundling): Promise<RouteModule> {
  const prepared = await prepareRoute(testCase, bundling);
  if (prepared.failure) throw new Error(`${testCase.id}: ${prepared.failure.message}`);
  return prepared.module;
}

/** A hash of the cases' content, the same for the same case set whatever the order or slice. */
export function caseSetHash(cases: Case[]): string {
  const hash = createHash('sha256');
  for (const c of [...cases].sort((a, b) => a.id.localeCompare(b.id))) {
    hash.update(JSON.stringify([c.id, c.title, c.source, c.route, c.probe ?? null, c.refused ?? null, c.steps, c.timeoutMs, ...(c.payload ? [c.payload] : []), ...(c.sizeLimit ? [c.sizeLimit] : [])]));
  }
  return hash.digest('hex').slice(0, 32);
}

/**
 * Turning cases into the route modules runners host: each route bundled for the target's platform
 * (runners/bundling/bundle-route.ts), under its case's key (core/cases/case-keys.ts). A route that
 * exports HTTP method handlers is bundled under a default export that dispatches them as Next does,
 * except for a target that bundles routes itself (runners/bundling/route-shape.ts).
 */
import { resolve } from 'node:path';
import type { Bundling, LoadFailure, RouteModule, RouteOrigin } from '../../runners/types.ts';
import { bundleRoute, type BundleOutcome } from '../../runners/bundling/bundle-route.ts';
import { METHOD_DISPATCHER, methodExports } from '../../runners/bundling/route-shape.ts';
import { caseKey } from '../cases/case-keys.ts';
import { PAYLOAD_TOKEN, withPayload } from '../cases/payload.ts';
import type { Case } from '../types.ts';

/** A case's route, bundled for one target: the module to host, or why the platform's build refuses it. */
export interface PreparedRoute {
  module: RouteModule;
  failure?: LoadFailure;
}

/**
 * Where a case's route comes from, before any bundling. A size case's source (its payload in
 * place, up to tens of MB) is made when a runner first reads it (Next.js builds from it; the other
 * targets host the bundle and never do).
 */
export function routeOrigin(testCase: Case): RouteOrigin {
  const where = { lang: testCase.routeLang, ...(testCase.routeFile ? { file: resolve(testCase.routeFile) } : {}), resolveDir: testCase.resolveDir };
  if (!testCase.payload) return { source: testCase.route, ...where };
  let source: string | undefined;
  return {
    get source() {
      source ??= withPayload(testCase.route, testCase.payload);
      return source;
    },
    ...where,
  };
}

/**
 * The route of one case, bundled as `bundling` says (by default: plain ES module resolution with
 * Node built-ins left to the runtime). A refusal by the build leaves `module.source` as written. A
 * module that exports HTTP method handlers is bundled under METHOD_DISPATCHER, except for a target
 * that bundles routes itself.
 */
export async function prepareRoute(testCase: Case, bundling?: Bundling): Promise<PreparedRoute> {
  const origin = routeOrigin(testCase);
  const dispatch = bundling?.kind !== 'platform' && methodExports(testCase.route, testCase.routeLang) !== undefined;
  const bundle = (from: RouteOrigin) => bundleRoute(from, bundling, testCase.id.split('/').pop(), dispatch ? { wrapper: METHOD_DISPATCHER } : {});
  const outcome = testCase.payload ? await bundleThenPayload(testCase, origin, bundle) : await bundle(origin);
  const module: RouteModule = { caseId: testCase.id, key: caseKey(testCase.id), source: 'source' in outcome ? outcome.source : testCase.route, origin, loadTimeoutMs: testCase.timeoutMs };
  return 'failure' in outcome ? { module, failure: outcome.failure } : { module };
}

/**
 * Bundles a size case's route with its payload token in place, then puts the payload in: the same
 * module as bundling the route with its payload (esbuild prints the token's string literal as
 * written, and the payload needs no escaping), without sending tens of MB through esbuild three
 * times, whose service keeps a buffer twice the largest answer for as long as it runs. Should the
 * bundle not hold the token as often as the route does, the route is bundled with its payload instead.
 */
async function bundleThenPayload(testCase: Case, origin: RouteOrigin, bundle: (from: RouteOrigin) => Promise<BundleOutcome>): Promise<BundleOutcome> {
  const { lang, file, resolveDir } = origin; // not a spread: that would read, and so make, the payload
  const outcome = await bundle({ source: testCase.route, lang, ...(file ? { file } : {}), resolveDir });
  if (!('source' in outcome)) return bundle(origin);
  const tokens = (text: string) => text.split(PAYLOAD_TOKEN).length - 1;
  if (tokens(outcome.source) !== tokens(testCase.route)) return bundle(origin);
  return { ...outcome, source: withPayload(outcome.source, testCase.payload) };
}

/** The route module of one case for a target that declares no bundling; throws when the build refuses it. */
export async function routeModule(testCase: Case, bundling?: Bundling): Promise<RouteModule> {
  const prepared = await prepareRoute(testCase, bundling);
  if (prepared.failure) throw new Error(`${testCase.id}: ${prepared.failure.message}`);
  return prepared.module;
}

/**
 * The route through which a warm Next.js server proves itself clean (verified isolation). Next runs
 * each edge route in a sandbox context of its own (next/dist/server/web/sandbox/context.js), and the
 * contexts of one server share what Next hands every one of them: the edge-runtime primitives
 * (Headers, Request, Response, streams, fetch ...), the host's `performance` and `AsyncLocalStorage`,
 * and the Node modules edge routes may import (buffer, events, assert, util, async_hooks). A route can
 * reach those from its own context, so the proof reads them from one: this route, built into the app
 * beside the cases' routes and never a case's, runs runners/host/realm-proof.mjs in its own context.
 * `GET <route>?op=baseline` takes the baseline, `?op=volatile` (a second request) marks what Next
 * itself rewrites in this route's own context on each request (its `__incrementalCache`) as
 * volatile, and any other request answers the changes since.
 *
 * Next itself changes one shared thing as it serves: each context it makes wraps the shared
 * `Response.redirect` once more (`context.Response.redirect = ...` in sandbox/context.js, next
 * 16.4.6), so a server that has made many contexts holds a chain of wrappers, each validating the URL
 * and calling the one before. The proof puts the baseline's back before each reading, so every case
 * finds it as at the baseline (one wrapper, this route's context's); a route's own change to it is
 * undone too, before any other case runs.
 */
import { readFileSync } from 'node:fs';
import type { RouteModule } from '../types.ts';

/** The proof route's key: no case's key (a slug and a hash) is a bare word like it. */
export const PROOF_KEY = 'edgecompat-proof';

const REALM_PROOF = readFileSync(new URL('../host/realm-proof.mjs', import.meta.url), 'utf8');

/** The Node modules Next's edge sandbox offers routes (NativeModuleMap in its context.js): shared by every context. */
const OFFERED = ['node:buffer', 'node:events', 'node:assert', 'node:util', 'node:async_hooks'];

const HANDLER = `
${OFFERED.map((name, i) => `import * as __offered${i} from ${JSON.stringify(name)};`).join('\n')}

const __redirect = Response.redirect;
const __proof = createRealmProof({
  resets: () => {
    if (Response.redirect !== __redirect) Response.redirect = __redirect;
  },
  roots: () => [['globalThis', globalThis], ${OFFERED.map((name, i) => `[${JSON.stringify(`import(${JSON.stringify(name)})`)}, __offered${i}]`).join(', ')}],
  getterHosts: () => new Set([globalThis]),
  facts: async () => ({ 'performance entries': performance.getEntries().map((e) => e.entryType + ':' + e.name).join(', ') || 'none' }),
});

export default async function proof(request) {
  const op = new URL(request.url).searchParams.get('op');
  if (op === 'baseline') return Response.json(await __proof.baseline());
  if (op === 'volatile') return Response.json(__proof.markVolatile());
  return Response.json(await __proof.changes());
}
`;

/** The proof route, as the runner builds it into the app with the cases' routes. */
export function proofRoute(): RouteModule {
  return { caseId: '(the warm host proof)', key: PROOF_KEY, source: `${REALM_PROOF}\n${HANDLER}` };
}

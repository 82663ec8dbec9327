/**
 * How each built-in runtime's platform bundles a route on deploy, as data: the export conditions its
 * bundler resolves packages with (WinterTC runtime keys, https://runtime-keys.proposal.wintercg.org/)
 * and which Node built-ins it offers. runners/bundling/bundle-route.ts applies it.
 */
import type { Bundling } from '../types.ts';
import { EDGE_NODE_MODULES } from '../edge-runtime/node-modules.mjs';

/** Browser-like platforms read a package's `browser` field before `module` and `main`. */
const BROWSER_FIELDS = ['browser', 'module', 'main'];

/** Runtime name -> how its platform bundles routes. */
export const BUNDLING = {
  // Node resolves packages with "node" (and "import", "default"): https://nodejs.org/api/packages.html#conditional-exports
  node: { kind: 'esbuild', conditions: ['node'], docs: 'https://nodejs.org/api/packages.html#conditional-exports' },
  // Vercel's Edge Runtime: "edge-light", the worker and browser keys, and only the Node modules it documents.
  'edge-runtime': {
    kind: 'esbuild',
    conditions: ['edge-light', 'worker', 'browser'],
    mainFields: BROWSER_FIELDS,
    nodeBuiltins: { supported: Object.keys(EDGE_NODE_MODULES) },
    docs: 'https://vercel.com/docs/functions/runtimes/edge#compatible-node.js-modules',
  },
  // wrangler bundles with esbuild and the conditions "workerd", "worker", "browser".
  workerd: { kind: 'esbuild', conditions: ['workerd', 'worker', 'browser'], mainFields: BROWSER_FIELDS, docs: 'https://developers.cloudflare.com/workers/wrangler/bundling/' },
  // Deno resolves npm packages with "deno" and "node".
  deno: { kind: 'esbuild', conditions: ['deno', 'node'], docs: 'https://docs.deno.com/runtime/fundamentals/node/' },
  // Bun resolves packages with "bun" and "node".
  bun: { kind: 'esbuild', conditions: ['bun', 'node'], docs: 'https://bun.sh/docs/runtime/modules' },
  // Next.js bundles routes itself, with its own conditions ("edge-light" ...), at `next build`.
  nextjs: { kind: 'platform', docs: 'https://nextjs.org/docs/app/api-reference/edge' },
} satisfies Record<string, Bundling>;

/** How `edgecompat bundle` bundles routes for each platform it writes an app for. */
export const PLATFORM_BUNDLING: Record<'cloudflare' | 'vercel' | 'netlify' | 'deno-deploy' | 'generic', Bundling> = {
  cloudflare: BUNDLING.workerd,
  vercel: BUNDLING['edge-runtime'],
  // Netlify's Edge Functions run on Deno, and its bundler resolves with the "netlify" and "deno" keys.
  netlify: { kind: 'esbuild', conditions: ['netlify', 'deno', 'node'], docs: 'https://docs.netlify.com/edge-functions/api/' },
  'deno-deploy': BUNDLING.deno,
  generic: { kind: 'esbuild', conditions: [] },
};

/**
 * How each platform profile's deploy bundles a route, for `edgecompat check`: the seed's Next.js
 * Edge API Routes resolve as Vercel's Edge Runtime does ("edge-light" first), and Fastly's
 * JavaScript runtime, which documents no export condition of its own, as plain ES modules.
 */
export const PROFILE_BUNDLING: Record<string, Bundling> = {
  ...PLATFORM_BUNDLING,
  nextjs: PLATFORM_BUNDLING.vercel,
  fastly: PLATFORM_BUNDLING.generic,
};

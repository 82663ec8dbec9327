/**
 * The typed registry of runners and the columns of the matrix, as data. A column is a runner plus
 * settings under its own name; the same runner may appear several times.
 */
import { createBunRunner } from './bun/runner.ts';
import { createDenoRunner } from './deno/runner.ts';
import { edgeRuntimeRunner } from './edge-runtime/runner.ts';
import { httpRunner } from './http/runner.ts';
import { miniflareRunner } from './miniflare/runner.ts';
import { nextjsRunner } from './nextjs/runner.ts';
import { nodeRunner } from './node/runner.ts';
import { platformCacheRunner } from './platform-cache/runner.ts';
import { workerdRunner } from './workerd/runner.ts';
import type { RunnerFactory, TargetConfig } from './types.ts';

/** Every built-in runner, by the name columns refer to. */
export const RUNNERS: Record<string, RunnerFactory> = {
  node: nodeRunner,
  'edge-runtime': edgeRuntimeRunner,
  deno: createDenoRunner,
  bun: createBunRunner,
  nextjs: nextjsRunner,
  http: httpRunner,
  workerd: workerdRunner,
  miniflare: miniflareRunner,
  'platform-cache': platformCacheRunner((name) => RUNNERS[name]),
};

/**
 * Runners whose column builds every route into one app before its first case (Next.js): that build
 * is the longest part of a run, so the matrix starts their columns first and runs the others beside.
 */
export const BUILDS_FIRST: ReadonlySet<string> = new Set(['nextjs']);

/** The built-in columns; those marked default make up the matrix of `npm start`. */
export const TARGETS: TargetConfig[] = [
  { name: 'node', runner: 'node', settings: {}, default: true },
  { name: 'edge-runtime', runner: 'edge-runtime', settings: {}, default: true },
  // workerd at the binary's own newest compatibility date (nodejs_compat is on by default since
  // 2026-08-04), at a 2024 date, and at that 2024 date with nodejs_compat.
  { name: 'workerd', runner: 'workerd', settings: {}, default: true },
  { name: 'workerd-2024-09-23', runner: 'workerd', settings: { compatibilityDate: '2024-09-23' }, default: true },
  { name: 'workerd-2024-09-23-nodejs-compat', runner: 'workerd', settings: { compatibilityDate: '2024-09-23', compatibilityFlags: ['nodejs_compat'] }, default: true },
  // workerd as `wrangler dev` runs it: Cloudflare's simulator, with a Cache API backed by a real cache.
  { name: 'miniflare', runner: 'miniflare', settings: {}, default: true },
  { name: 'deno', runner: 'deno', settings: {}, default: true },
  { name: 'bun', runner: 'bun', settings: {}, default: true },
  { name: 'nextjs', runner: 'nextjs', settings: { router: 'pages' }, default: true },
  { name: 'nextjs-app', runner: 'nextjs', settings: { router: 'app', sizeLimit: 'vercel/hobby' }, default: true },
  // A runtime deploying under another plan of its platform (runners/size-limits.ts says which platform
  // each runtime stands for); these run the size-limits area, the runtime's own column judges the rest.
  { name: 'edge-runtime+vercel-pro', runner: 'edge-runtime', settings: { sizeLimit: 'pro' }, default: true, areas: ['size-limits'] },
  { name: 'edge-runtime+vercel-enterprise', runner: 'edge-runtime', settings: { sizeLimit: 'enterprise' }, default: true, areas: ['size-limits'] },
  { name: 'workerd+cloudflare-paid', runner: 'workerd', settings: { sizeLimit: 'paid' }, default: true, areas: ['size-limits'] },
  { name: 'workerd+cloudflare-2026', runner: 'workerd', settings: { sizeLimit: 'uncompressed-2026' }, default: true, areas: ['size-limits'] },
  // Netlify's Edge Functions run on Deno.
  { name: 'deno+netlify', runner: 'deno', settings: { sizeLimit: 'netlify/edge-functions' }, default: true, areas: ['size-limits'] },
  // A runtime with its platform's HTTP cache in front, as the platform's profile describes it: Vercel's
  // Edge Functions run on edge-runtime's engine, Netlify's Edge Functions on Deno, Cloudflare's Workers
  // on workerd (as `wrangler dev` runs it).
  { name: 'edge-runtime+vercel-cache', runner: 'platform-cache', settings: { runtime: 'edge-runtime', profile: 'vercel' }, default: true, areas: ['caching'] },
  { name: 'deno+netlify-cache', runner: 'platform-cache', settings: { runtime: 'deno', profile: 'netlify' }, default: true, areas: ['caching'] },
  { name: 'miniflare+cloudflare-cache', runner: 'platform-cache', settings: { runtime: 'miniflare', profile: 'cloudflare' }, default: true, areas: ['caching'] },
];

/** The columns of the default matrix. */
export function defaultTargets(): TargetConfig[] {
  return TARGETS.filter((t) => t.default);
}

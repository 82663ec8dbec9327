/**
 * `edgecompat check`, without the command line: each route bundled as each chosen platform bundles
 * it and measured against that platform plan's size limit (profiles/code-size.ts, as the columns'
 * deploy phase measures), and scanned for forbidden uses across its import graph
 * (forbidden-uses.ts), each reported in the platform's own words where its profile has them.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { SizeFigures, SizeLimit } from '../../profiles/code-size.ts';
import { deployCheck } from '../run/deploy.ts';
import { loadProfile, type PlatformProfile } from '../../profiles/profiles.ts';
import { bundleRoute } from '../../runners/bundling/bundle-route.ts';
import { PROFILE_BUNDLING } from '../../runners/bundling/platform-bundling.ts';
import type { Bundling } from '../../runners/types.ts';
import type { FoundRoute, RouteKind } from './discover.ts';
import { findForbiddenUses, type ForbiddenRule, type ForbiddenUse } from './forbidden-uses.ts';

/** A route's size against one platform plan, with the platform's refusal when it is over. */
export interface SizeCheck extends SizeFigures {
  /** The platform's refusal, in its words, when over the limit. */
  message?: string;
}

/** One forbidden use, as one platform words it; paths are relative to the working directory. */
export interface Finding extends ForbiddenUse {
  platform: string;
  message: string;
}

/** What check found for one route. */
export interface RouteCheck {
  /** The route's entry file, relative to the working directory. */
  route: string;
  kind: RouteKind;
  sizes: SizeCheck[];
  findings: Finding[];
}

/** The whole check: one entry per route; `ok` when no route is over a limit or has a finding. */
export interface CheckReport {
  ok: boolean;
  /** The limits checked ("vercel/hobby" ...). */
  limits: string[];
  routes: RouteCheck[];
}

/**
 * Next.js's own modules: a Next route imports them, and Next builds them for the edge itself (with
 * `process.env.NEXT_RUNTIME` set to 'edge', which drops their Node paths), so check neither scans
 * nor counts them; the nextjs columns measure Next's real output, its own code included.
 */
const NEXT_PROVIDED = ['next', 'next/*'];

/** The limits a route of this kind is checked against when the command line names none. */
export const DEFAULT_LIMITS: Record<RouteKind, string[]> = {
  'pages-api': ['nextjs', 'vercel'],
  'app-route': ['nextjs', 'vercel'],
  middleware: ['nextjs', 'vercel'],
  worker: ['cloudflare'],
  file: ['vercel'],
};

/** Called with what was measured for a route under a limit: the bundle first, then its wasm files. */
export type OnMeasured = (route: FoundRoute, limit: SizeLimit, parts: Buffer[]) => void;

/** Checks every route against its limits (`limitsOf` says which), in order. */
export async function runCheck(routes: FoundRoute[], limitsOf: (route: FoundRoute) => SizeLimit[], cwd = process.cwd(), onMeasured?: OnMeasured): Promise<CheckReport> {
  const checked: RouteCheck[] = [];
  const seen = new Set<string>();
  for (const route of routes) {
    const limits = limitsOf(route);
    limits.forEach((l) => seen.add(l.id));
    checked.push(await checkRoute(route, limits, cwd, onMeasured));
  }
  return { ok: checked.every((r) => r.findings.length === 0 && r.sizes.every((s) => !s.over)), limits: [...seen], routes: checked };
}

async function checkRoute(route: FoundRoute, limits: SizeLimit[], cwd: string, onMeasured?: OnMeasured): Promise<RouteCheck> {
  const rel = (path: string) => relative(cwd, path) || path;
  const sizes: SizeCheck[] = [];
  const findings: Finding[] = [];
  // Scans and bundles depend on the platform's bundling only: one of each per distinct bundling.
  const scans = new Map<string, ForbiddenUse[]>();
  const bundles = new Map<string, Buffer[]>();
  for (const limit of limits) {
    const profile = loadProfile(limit.profile);
    const bundling = sizeBundling(limit.profile, route.kind === 'file' || route.kind === 'worker' ? [] : NEXT_PROVIDED);
    const nodeBuiltins = profile.code?.nodeBuiltins?.value ?? 'all';
    const scanKey = JSON.stringify([bundling.conditions, bundling.mainFields, nodeBuiltins, bundling.provided]);
    const bundleKey = JSON.stringify(bundling);
    if (!bundles.has(bundleKey)) bundles.set(bundleKey, await bundle(route.file, bundling));
    if (!scans.has(scanKey)) scans.set(scanKey, await findForbiddenUses(route.file, { conditions: bundling.conditions, mainFields: bundling.mainFields, nodeBuiltins, provided: bundling.provided }));
    // The size, as this platform's deploy counts it.
    const parts = bundles.get(bundleKey)!;
    onMeasured?.(route, limit, parts);
    const outcome = deployCheck(parts, limit, rel(route.file));
    sizes.push({ ...outcome.size, ...(outcome.failure ? { message: outcome.failure.message } : {}) });
    // The forbidden uses, once per platform (its built-ins and its words differ).
    if (findings.some((f) => f.platform === profile.platform)) continue;
    for (const use of scans.get(scanKey)!) {
      findings.push({ ...use, file: rel(use.file), chain: use.chain.map(rel), platform: profile.platform, message: wording(use, profile) });
    }
  }
  return { route: rel(route.file), kind: route.kind, sizes, findings };
}

/**
 * How the platform bundles, with every Node built-in left as an import (the scan reports those it
 * lacks) and the packages the platform provides left out.
 */
function sizeBundling(profile: string, provided: string[]): Bundling & { kind: 'esbuild' } {
  const bundling = PROFILE_BUNDLING[profile] ?? PROFILE_BUNDLING.generic;
  if (bundling.kind !== 'esbuild') throw new Error(`no esbuild bundling for profile ${profile}`);
  const { nodeBuiltins: _reported, ...rest } = bundling;
  return provided.length > 0 ? { ...rest, provided } : rest;
}

/**
 * What the platform counts for the route: its bundle, then the `.wasm` files it imports (Vercel's
 * builder and wrangler both count them). A build error (syntax, an import that does not resolve) is
 * bad input.
 */
async function bundle(file: string, bundling: Bundling): Promise<Buffer[]> {
  const lang = /\.[cm]?tsx?$/.test(file) ? 'ts' : 'js';
  const outcome = await bundleRoute({ source: readFileSync(file, 'utf8'), lang, file, resolveDir: dirname(file) }, bundling, 'route', { wasm: true });
  if ('failure' in outcome) throw new Error(outcome.failure.message);
  return [Buffer.from(outcome.source, 'utf8'), ...(outcome.wasm ?? []).map((path) => readFileSync(path))];
}

const DYNAMIC: ForbiddenRule[] = ['eval', 'indirect-eval', 'new-function', 'string-timer', 'wasm-bytes'];

/** The platform's words for a use where its profile has them, else a plain statement of the rule. */
function wording(use: Pick<ForbiddenUse, 'rule' | 'what'>, profile: PlatformProfile): string {
  const words = profile.code?.wording;
  const fill = (template: string, what: string) => template.replaceAll('{what}', what);
  if (DYNAMIC.includes(use.rule)) return words?.dynamicCode ? `${words.dynamicCode.value} (${use.what})` : `${use.what} compiles code from data at run time, which edge runtimes refuse`;
  if (use.rule === 'node-builtin') {
    // As written (`node:fs` or `fs`), as Next names it ("A Node.js module is loaded ('node:fs' at line 3)").
    return words?.nodeModule ? fill(words.nodeModule.value, use.what) : `${profile.title} does not offer the Node.js module ${use.what}`;
  }
  if (use.rule === 'process-member' || use.rule === 'dirname') return words?.nodeApi ? fill(words.nodeApi.value, use.what) : `${use.what} is a Node.js API, not a Web API`;
  if (use.rule === 'require') return words?.require ? words.require.value : 'require() is CommonJS; an edge route is an ES module';
  return `${use.what} is CommonJS; an edge route is an ES module`;
}

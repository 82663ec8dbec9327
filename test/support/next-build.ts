/**
 * Building a copy of a fixture Next.js app with `next build` (Turbopack, Next's default), and what
 * Next said about each of its route files: for test/check-next-app.test.ts, which holds
 * `edgecompat check` to what Next itself reports.
 *
 * The copy is built in passes, as runners/nextjs/build.ts builds the generated apps: an error fails
 * the build, and Next then may print only the errors, so the route files it refused are removed and
 * the rest is built again, until a pass builds. Turbopack's report is read with the runner's reader
 * (turbopackDiagnostics in runners/nextjs/build-errors.ts); that reader attributes blocks to the
 * runner's route keys, so here each block goes to the fixture's route file that its module line
 * names. A block whose module is not a route file (a helper, a package: Turbopack names the module
 * that holds the use and gives the route in an import trace) is kept as unattributed, for the test
 * to fail on rather than drop. The other channel is the runner's too: a route that fails to load
 * while Next collects page data ("Failed to collect page data for /api/x") fails the build.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findBinary, PACKAGE_ROOT } from '../../runners/host/binaries.ts';
import { outputTail, stripAnsi, turbopackDiagnostics } from '../../runners/nextjs/build-errors.ts';
import { runNextBuild } from '../../runners/nextjs/build.ts';

/** Where copies are built: under the package (so `next` resolves from its node_modules), git-ignored. */
export const BUILD_ROOT = join(PACKAGE_ROOT, '.edgecompat', 'tmp');

/** One error or warning of `next build`. */
export interface NextDiagnostic {
  severity: 'error' | 'warning';
  /** The block as Next printed it, up to its import trace, the app's folder taken off paths; or a page-data failure and its cause. */
  message: string;
  /** The route file (relative to the app) it concerns; undefined when its module is none of them. */
  route?: string;
}

/** One `next build` of the copy. */
export interface BuildPass {
  pass: number;
  ok: boolean;
  /** Route files that were in the app for this pass. */
  routes: string[];
  stderr: string;
  diagnostics: NextDiagnostic[];
  /** Next's own `⚠` log lines (deprecations, runtime notes): not issues of the build. */
  notices: string[];
}

export interface FixtureBuild {
  passes: BuildPass[];
  /** Route file -> Next's errors and warnings about it over every pass, each message once, in order. */
  byRoute: Map<string, Pick<NextDiagnostic, 'severity' | 'message'>[]>;
  /** Route files Next refused (removed before the next pass). */
  refused: string[];
  /** .next/server/middleware-manifest.json of the pass that built: the middleware and the edge functions. */
  middlewareManifest: {
    middleware: Record<string, { name: string; page: string; entrypoint: string }>;
    functions: Record<string, { name: string; page: string; entrypoint: string }>;
  };
  /** Pids of processes still running in the copy once the build was over (killed then; the test expects none). */
  leftover: number[];
  /** The copy, removed by the time this is returned. */
  dir: string;
}

/** The route files of a Next.js app: pages, app route handlers and middleware (paths relative to it). */
export function routeFilesOf(appDir: string): string[] {
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(join(appDir, folder), { withFileTypes: true })) {
      const path = folder ? `${folder}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (/^pages\/.+\.[jt]sx?$/.test(path) || /^app\/(.+\/)?route\.[jt]s$/.test(path)) files.push(path);
    }
  };
  for (const folder of ['pages', 'app']) if (existsSync(join(appDir, folder))) walk(folder);
  for (const name of ['middleware.ts', 'middleware.js']) if (existsSync(join(appDir, name))) files.push(name);
  return files.sort();
}

/** The path a route file serves (`pages/api/x.ts` and `app/api/x/route.ts`: `/api/x`); undefined for middleware. */
export function pagePathOf(routeFile: string): string | undefined {
  const pages = /^pages\/(.+)\.[jt]sx?$/.exec(routeFile);
  if (pages) return `/${pages[1]}`.replace(/\/index$/, '') || '/';
  const app = /^app\/(?:(.+)\/)?route\.[jt]s$/.exec(routeFile);
  return app ? `/${app[1] ?? ''}` : undefined;
}

/** The failure that ends a build when a built route fails to load (next/dist/build/utils.js). */
const PAGE_DATA = /^Error: Failed to collect page data for (\/\S*)$/;

/**
 * Next's errors and warnings in one pass's stderr, each given the route file it concerns.
 * `appPrefix` is the app folder relative to the Turbopack root, as Next prints it; `routes` are the
 * app's route files.
 */
export function nextDiagnostics(stderr: string, appPrefix: string, routes: string[]): NextDiagnostic[] {
  const found: NextDiagnostic[] = turbopackDiagnostics(stderr, appPrefix).map(({ severity, message }) => {
    const module = message.split('\n')[0].replace(/:\d+:\d+$/, '');
    return { severity, message, route: routes.includes(module) ? module : undefined };
  });
  const lines = stripAnsi(stderr).split(/\r?\n/).map((line) => line.trimEnd());
  for (const line of lines) {
    const page = PAGE_DATA.exec(line)?.[1]?.replace(/\/route$/, '');
    if (page === undefined) continue;
    // Next printed the cause first: "Error: Failed to collect configuration for /api/x" and its `[cause]:` lines.
    const start = lines.findIndex((l) => /^Error: /.test(l) && l !== line && l.endsWith(` ${page}`));
    const cause: string[] = [];
    for (let i = start + 1; start >= 0 && i < lines.length && lines[i] !== '}'; i++) {
      if (/^\s*\[cause\]: /.test(lines[i])) cause.push(lines[i].trim());
    }
    const message = [line.replace(/^Error: /, ''), ...cause].join('\n');
    found.push({ severity: 'error', message, route: routes.find((route) => pagePathOf(route) === page) });
  }
  return found;
}

/** Next's `⚠` lines. */
function noticesOf(stderr: string): string[] {
  return stripAnsi(stderr)
    .split(/\r?\n/)
    .filter((line) => line.startsWith('⚠ '))
    .map((line) => line.slice(2).trim());
}

/** Pids of processes whose working directory is `dir` or inside it (Linux /proc). */
export function pidsIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cwd = '';
    try {
      cwd = readlinkSync(`/proc/${entry}/cwd`);
    } catch {
      continue; // gone, or not ours to read
    }
    if (cwd === dir || cwd.startsWith(`${dir}/`)) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Builds a copy of the app in `fixture` under .edgecompat/tmp/ (named `name`, else
 * `next-app-<random>`), pass by pass, and removes the copy.
 */
export async function buildFixtureApp(fixture: string, options: { name?: string; log?: (message: string) => void } = {}): Promise<FixtureBuild> {
  const lookup = findBinary('next', process.env);
  if ('missing' in lookup) throw new Error(lookup.missing);
  const dir = join(BUILD_ROOT, options.name ?? `next-app-${randomBytes(6).toString('hex')}`);
  const appPrefix = relative(PACKAGE_ROOT, dir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(BUILD_ROOT, { recursive: true });
  cpSync(fixture, dir, { recursive: true });
  // Next verifies its TypeScript setup before building an app with TypeScript routes, and installs
  // @types/react with npm when it is missing (next/dist/lib/verify-typescript-setup.js). edgecompat
  // has no React types; type checking is off (the fixture's next.config.mjs), so a stand-in will do.
  const types = join(dir, 'node_modules', '@types', 'react');
  mkdirSync(types, { recursive: true });
  writeFileSync(join(types, 'package.json'), '{ "name": "@types/react", "version": "0.0.0-stand-in", "types": "index.d.ts" }\n');
  writeFileSync(join(types, 'index.d.ts'), 'export {};\n');

  const passes: BuildPass[] = [];
  const refused: string[] = [];
  let remaining = routeFilesOf(dir);
  let middlewareManifest: FixtureBuild['middlewareManifest'];
  let leftover: number[] = [];
  try {
    for (let pass = 1; ; pass++) {
      options.log?.(`next build, pass ${pass}: ${remaining.length} route files`);
      const { ok, stderr, output } = await runNextBuild(lookup.path, dir, process.env);
      const diagnostics = nextDiagnostics(stderr, appPrefix, remaining);
      passes.push({ pass, ok, routes: remaining, stderr, diagnostics, notices: noticesOf(stderr) });
      if (ok) {
        middlewareManifest = JSON.parse(readFileSync(join(dir, '.next', 'server', 'middleware-manifest.json'), 'utf8'));
        break;
      }
      const errors = new Set(diagnostics.filter((d) => d.severity === 'error' && d.route !== undefined).map((d) => d.route!));
      if (errors.size === 0) throw new Error(`next build failed (pass ${pass}) and refused no route file:\n${outputTail(output, 60)}`);
      for (const route of errors) rmSync(join(dir, route), { force: true });
      refused.push(...errors);
      remaining = remaining.filter((route) => !errors.has(route));
    }
  } finally {
    leftover = pidsIn(dir);
    for (const pid of leftover) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return { passes, byRoute: diagnosticsByRoute(passes), refused, middlewareManifest: middlewareManifest!, leftover, dir };
}

/** Route file -> its diagnostics over every pass, each message once. */
export function diagnosticsByRoute(passes: Pick<BuildPass, 'diagnostics'>[]): FixtureBuild['byRoute'] {
  const found: FixtureBuild['byRoute'] = new Map();
  for (const { diagnostics } of passes) {
    for (const { severity, message, route } of diagnostics) {
      if (route === undefined) continue;
      const list = found.get(route) ?? [];
      if (!list.some((d) => d.severity === severity && d.message === message)) list.push({ severity, message });
      found.set(route, list);
    }
  }
  return found;
}

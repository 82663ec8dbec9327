/**
 * Building the generated app with `next build`: write the files, build, and when Next refuses some
 * routes, take them out and build again, until what is left builds. Next reports every refused
 * module of a pass at once, so this takes one extra pass per round of refusals, not one per route.
 *
 * Only Next's errors refuse a route. Its warnings (a Node.js API or module that the Edge Runtime
 * lacks, for instance) leave the route built and served: they are kept with the route, as Next
 * reported them in the pass that built the app. Diagnostics are read as data where Next offers them
 * (webpack: webpack-diagnostics.mjs) and from Turbopack's report otherwise (build-errors.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { spawnTarget } from '../host/process.ts';
import type { LoadFailure } from '../types.ts';
import type { AppPlan, BundlerKind, RouterKind } from './app.ts';
import { outputTail, pageDataDiagnostics, turbopackDiagnostics } from './build-errors.ts';
import { byRoute, type BuildDiagnostic } from './diagnostics.ts';
import { readWebpackReports, webpackDiagnostics } from './webpack-report.ts';

const BUILD_TIMEOUT_MS = 5 * 60_000;
/** Where webpack-diagnostics.mjs writes (the same name is in that file, which runs inside Next). */
const DIAGNOSTICS_DIR = 'edgecompat-diagnostics';
/** A file written beside a case file by a build (app.ts): `.edgecompat-<tag>-<key>.<js|ts>`. */
const BESIDE_FILE = /^\.edgecompat-[0-9a-z]+-[a-z0-9-]+\.[jt]s$/;

/** What to build and how. */
export interface BuildOptions {
  /** The app directory (created or emptied first). */
  dir: string;
  plan: AppPlan;
  keys: string[];
  router: RouterKind;
  bundler: BundlerKind;
  /** The `next` binary. */
  next: string;
  env: NodeJS.ProcessEnv;
  log(message: string): void;
  /** Stops the build in flight and makes no further pass (the run was stopped). */
  signal?: AbortSignal;
}

/** The outcome of a build: the keys served (with Next's warnings), those Next refused, and its BUILD_ID. */
export interface BuildOutcome {
  built: string[];
  failures: Record<string, LoadFailure>;
  /** Key -> Next's warnings about a route it built, from the pass that built the app. */
  warnings: Record<string, string[]>;
  buildId?: string;
  passes: number;
}

/**
 * Runs one `next build` in `dir` (`--webpack` when asked), in its own process group, killed as a
 * group when it ends; resolves with whether it succeeded, its stderr and everything it wrote.
 */
export async function runNextBuild(next: string, dir: string, env: NodeJS.ProcessEnv, bundler: BundlerKind = 'turbopack', signal?: AbortSignal): Promise<{ ok: boolean; stderr: string; output: string }> {
  const args = ['build', ...(bundler === 'webpack' ? ['--webpack'] : [])];
  const buildEnv: NodeJS.ProcessEnv = { ...env, NEXT_TELEMETRY_DISABLED: '1', FORCE_COLOR: '0', NO_COLOR: '1' };
  delete buildEnv.NODE_ENV; // next build sets production itself; vitest's NODE_ENV=test must not leak in
  const build = spawnTarget(next, args, { cwd: dir, env: buildEnv });
  let output = '';
  let stderr = '';
  build.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  build.child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    output += chunk.toString('utf8');
  });
  // Killed when it takes too long, or when the run is stopped.
  const stop = AbortSignal.any([AbortSignal.timeout(BUILD_TIMEOUT_MS), ...(signal ? [signal] : [])]);
  const kill = () => void build.kill();
  if (stop.aborted) kill();
  else stop.addEventListener('abort', kill, { once: true });
  const exit = await build.exited;
  stop.removeEventListener('abort', kill);
  await build.kill(); // the process group: any worker left behind
  return { ok: exit.exitCode === 0, stderr, output };
}

/** What Next said in one pass: webpack's reports as data, Turbopack's report from stderr (its issues go there). */
function diagnosticsOf(options: BuildOptions, stderr: string, pass: number): BuildDiagnostic[] {
  const app = { dir: options.dir, root: options.plan.root };
  const pageData = pageDataDiagnostics(stderr);
  if (options.bundler === 'turbopack') return [...turbopackDiagnostics(stderr, relative(options.plan.root, options.dir)), ...pageData];
  const folder = join(options.dir, DIAGNOSTICS_DIR);
  const diagnostics = webpackDiagnostics(readWebpackReports(folder), app);
  if (existsSync(folder)) renameSync(folder, `${folder}-pass-${pass}`); // kept like the logs; no stale report next pass
  return [...diagnostics, ...pageData];
}

/** Removes files a build killed before it finished left beside case files (older than any build may last). */
function sweepBeside(folders: Iterable<string>): void {
  for (const folder of new Set(folders)) {
    for (const name of existsSync(folder) ? readdirSync(folder) : []) {
      const path = join(folder, name);
      if (BESIDE_FILE.test(name) && Date.now() - statSync(path).mtimeMs > 2 * BUILD_TIMEOUT_MS) rmSync(path, { force: true });
    }
  }
}

/**
 * Builds the app: 1. write every file, 2. run next build, 3. on failure, find the routes Next
 * refused (its errors), remove their files and go to 2. A failure that refuses no route still
 * present throws with the tail of Next's output.
 */
export async function buildApp(options: BuildOptions): Promise<BuildOutcome> {
  // 1. A clean app directory with every generated file, and inline routes beside their case files.
  rmSync(options.dir, { recursive: true, force: true });
  for (const [path, content] of options.plan.files) {
    mkdirSync(dirname(join(options.dir, path)), { recursive: true });
    writeFileSync(join(options.dir, path), content);
  }
  const beside = [...options.plan.beside.keys()];
  sweepBeside(beside.map((file) => dirname(file)));
  for (const [file, content] of options.plan.beside) writeFileSync(file, content);
  try {
    return await passes(options);
  } finally {
    for (const file of beside) rmSync(file, { force: true }); // built, or refused: Next no longer needs it
  }
}

async function passes(options: BuildOptions): Promise<BuildOutcome> {
  const remaining = new Set(options.keys);
  const failures: Record<string, LoadFailure> = {};
  for (let pass = 1; ; pass++) {
    if (remaining.size === 0) return { built: [], failures, warnings: {}, passes: pass - 1 };
    // 2. Build what is left.
    options.log(`nextjs: next build (${options.router} router, ${options.bundler}, ${remaining.size} routes, pass ${pass})`);
    const { ok, stderr, output } = await runNextBuild(options.next, options.dir, options.env, options.bundler, options.signal);
    options.signal?.throwIfAborted();
    // For humans and for capturing real outputs as test fixtures; never read back.
    writeFileSync(join(options.dir, `edgecompat-build-${pass}.log`), output);
    writeFileSync(join(options.dir, `edgecompat-build-${pass}.stderr.log`), stderr);
    const diagnostics = diagnosticsOf(options, stderr, pass);
    if (ok) {
      const buildId = readFileSync(join(options.dir, '.next', 'BUILD_ID'), 'utf8').trim();
      const warnings = Object.fromEntries([...byRoute(diagnostics, 'warning')].filter(([key]) => remaining.has(key)));
      return { built: [...remaining], failures, warnings, buildId, passes: pass };
    }
    // 3. Take out the routes Next refused, keeping its messages for each.
    const refused = [...byRoute(diagnostics, 'error')].filter(([key]) => remaining.has(key));
    if (refused.length === 0) throw new Error(`next build failed:\n${outputTail(output)}`);
    for (const [key, messages] of refused) {
      failures[key] = { name: 'BuildError', message: messages.join('\n\n'), phase: 'build' };
      remaining.delete(key);
      for (const path of options.plan.routeFiles.get(key) ?? []) rmSync(join(options.dir, path), { force: true });
    }
  }
}

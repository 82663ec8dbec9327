/**
 * Building the generated app with `next build`: write the files, build, and when Next refuses some
 * routes, take them out and build again, until what is left builds. Next lists every refused module
 * in one report, so this takes one extra pass per round of failures, not one per failing route.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnTarget } from '../process.ts';
import type { LoadFailure } from '../types.ts';
import { routeFiles, type BundlerKind, type RouterKind } from './app.ts';
import { outputTail, routeBuildErrors } from './build-errors.ts';

const BUILD_TIMEOUT_MS = 5 * 60_000;

/** What to build and how. */
export interface BuildOptions {
  /** The app directory (created or emptied first). */
  dir: string;
  files: Map<string, string>;
  keys: string[];
  router: RouterKind;
  bundler: BundlerKind;
  /** The `next` binary. */
  next: string;
  env: NodeJS.ProcessEnv;
  log(message: string): void;
}

/** The outcome of a build: the keys served, those Next refused, and Next's BUILD_ID. */
export interface BuildOutcome {
  built: string[];
  failures: Record<string, LoadFailure>;
  buildId?: string;
  passes: number;
}

/** Runs one `next build` in dir; resolves with its exit code and everything it wrote. */
async function nextBuild(options: BuildOptions): Promise<{ ok: boolean; output: string }> {
  const args = ['build', ...(options.bundler === 'webpack' ? ['--webpack'] : [])];
  const env: NodeJS.ProcessEnv = { ...options.env, NEXT_TELEMETRY_DISABLED: '1', FORCE_COLOR: '0', NO_COLOR: '1' };
  delete env.NODE_ENV; // next build sets production itself; vitest's NODE_ENV=test must not leak in
  const build = spawnTarget(options.next, args, { cwd: options.dir, env });
  let output = '';
  build.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  build.child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const timer = setTimeout(() => void build.kill(), BUILD_TIMEOUT_MS);
  const exit = await build.exited;
  clearTimeout(timer);
  await build.kill(); // the process group: any worker left behind
  return { ok: exit.exitCode === 0, output };
}

/**
 * Builds the app: 1. write every file, 2. run next build, 3. on failure, find the routes Next names,
 * remove their files and go to 2. A failure that names no route (or names none still present)
 * throws with the tail of Next's output.
 */
export async function buildApp(options: BuildOptions): Promise<BuildOutcome> {
  // 1. A clean app directory with every generated file.
  rmSync(options.dir, { recursive: true, force: true });
  for (const [path, content] of options.files) {
    mkdirSync(dirname(join(options.dir, path)), { recursive: true });
    writeFileSync(join(options.dir, path), content);
  }
  const remaining = new Set(options.keys);
  const failures: Record<string, LoadFailure> = {};
  for (let passes = 1; ; passes++) {
    if (remaining.size === 0) return { built: [], failures, passes: passes - 1 };
    // 2. Build what is left.
    options.log(`nextjs: next build (${options.router} router, ${remaining.size} routes, pass ${passes})`);
    const { ok, output } = await nextBuild(options);
    writeFileSync(join(options.dir, `edgecompat-build-${passes}.log`), output); // for humans, never read back
    if (ok) {
      const buildId = readFileSync(join(options.dir, '.next', 'BUILD_ID'), 'utf8').trim();
      return { built: [...remaining], failures, buildId, passes };
    }
    // 3. Take out the routes Next refused, keeping its message for each.
    const refused = [...routeBuildErrors(output)].filter(([key]) => remaining.has(key));
    if (refused.length === 0) throw new Error(`next build failed:\n${outputTail(output)}`);
    for (const [key, message] of refused) {
      failures[key] = { name: 'BuildError', message, phase: 'build' };
      remaining.delete(key);
      for (const path of routeFiles(key, options.router)) rmSync(join(options.dir, path), { force: true });
    }
  }
}

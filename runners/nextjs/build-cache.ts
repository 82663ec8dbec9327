/**
 * The build cache: one directory per hash of every build input, under the package root (so that the
 * app resolves next, react and react-dom from the package's node_modules), reused when a finished
 * build for the same hash is there. A lock directory keeps two processes from building the same hash
 * at once; a record written last marks a build as finished and keeps which routes Next refused and
 * what it warned about the routes it built.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadFailure } from '../types.ts';

/** Bumped when the record's shape or meaning changes (2: warnings; warnings no longer refuse routes). */
const RECORD_VERSION = 2;
const RECORD_FILE = 'edgecompat-build.json';
const LOCK_POLL_MS = 200;
const LOCK_TIMEOUT_MS = 10 * 60_000;

/** What a finished build left: which routes are served (with Next's warnings), which Next refused, and how long it took. */
export interface BuildRecord {
  version: number;
  hash: string;
  /** Next's BUILD_ID of the served build, if any route was built. */
  buildId?: string;
  /** Keys built and served. */
  built: string[];
  /** Keys Next refused, with its message. */
  failures: Record<string, LoadFailure>;
  /** Key -> what Next warned about a route it built (only keys with warnings). */
  warnings: Record<string, string[]>;
  /** Wall time of the build (all `next build` passes). */
  durationMs: number;
  /** How many `next build` passes it took. */
  passes: number;
  finishedAt: string;
}

/** Where builds are cached: `<packageRoot>/.edgecompat/cache/nextjs` (ignored by git). */
export function cacheRoot(packageRoot: string): string {
  return join(packageRoot, '.edgecompat', 'cache', 'nextjs');
}

/** A short, stable hash of every build input: pass the generated files and anything else that matters. */
export function buildHash(files: Map<string, string>, extra: Record<string, unknown>): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(Object.entries(extra).sort(([a], [b]) => a.localeCompare(b))));
  for (const [path, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(`\0${path}\0${content.length}\0${content}`);
  }
  return hash.digest('hex').slice(0, 16);
}

/** The finished build in dir, or undefined. Touches the directory so that pruning keeps it. */
export function readRecord(dir: string): BuildRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(join(dir, RECORD_FILE), 'utf8')) as BuildRecord;
    if (record.version !== RECORD_VERSION) return undefined;
    const now = new Date();
    utimesSync(dir, now, now);
    return record;
  } catch {
    return undefined;
  }
}

/** Marks the build in dir as finished. */
export function writeRecord(dir: string, record: Omit<BuildRecord, 'version'>): BuildRecord {
  const full = { version: RECORD_VERSION, ...record };
  writeFileSync(join(dir, RECORD_FILE), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs fn while holding the lock of dir (`<dir>.lock`, holding the owner's pid). Waits while another
 * live process holds it; takes over a lock whose owner is gone.
 */
export async function withBuildLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${dir}.lock`;
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  mkdirSync(join(dir, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileQuiet(join(lock, 'pid')));
      if (owner && !alive(owner)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lock}`);
      else await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function readFileQuiet(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Removes all but the `keep` most recently used builds under root (never a locked one). */
export function pruneCache(root: string, keep: number): void {
  if (!existsSync(root)) return;
  const builds = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^[0-9a-f]{16}$/.test(entry.name) && !existsSync(join(root, `${entry.name}.lock`)))
    .map((entry) => ({ path: join(root, entry.name), used: statSync(join(root, entry.name)).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  for (const build of builds.slice(keep)) rmSync(build.path, { recursive: true, force: true });
}

/**
 * Where each runtime's binary is found: an environment variable naming another binary wins, then
 * the version pinned in package.json (node_modules/.bin, the package's own or, once installed as a
 * dependency, the project's), then PATH. A binary found nowhere makes
 * its columns SKIP with the reason this module gives.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's own root, where node_modules/.bin holds the pinned runtimes. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The environment variable that points at another binary for a runtime, e.g. EDGECOMPAT_WORKERD_BIN. */
export function binaryEnvVar(name: string): string {
  return `EDGECOMPAT_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_BIN`;
}

/** A binary that was found, or the reason it was not. */
export type BinaryLookup = { path: string; from: 'env' | 'package' | 'path' } | { missing: string };

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds the binary `name` (workerd, deno, bun, next ...) for a runner. */
export function findBinary(name: string, env: NodeJS.ProcessEnv = process.env): BinaryLookup {
  const variable = binaryEnvVar(name);
  const override = env[variable];
  if (override) {
    return executable(override) ? { path: override, from: 'env' } : { missing: `${variable}=${override} is not an executable file` };
  }
  // The package's own node_modules/.bin, then each parent's, as Node resolves packages: installed as
  // a dependency, edgecompat's runtimes are hoisted beside it into the project's node_modules.
  for (let dir = PACKAGE_ROOT; ; dir = dirname(dir)) {
    const pinned = join(dir, 'node_modules', '.bin', name);
    if (executable(pinned)) return { path: pinned, from: 'package' };
    if (dirname(dir) === dir) break;
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, name))) return { path: join(dir, name), from: 'path' };
  }
  return { missing: `${name} is not installed: not in node_modules/.bin (npm ci installs the pinned version), not on PATH, and ${variable} is not set` };
}

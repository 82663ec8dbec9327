/**
 * The environment a target's processes get: what a runtime needs to start (PATH, HOME, a temporary
 * folder, the locale and the time zone) and edgecompat's own binary overrides, nothing else. Route
 * code is third-party code, and the environment edgecompat runs in (a CI job's) holds tokens: none of
 * it may reach a route through `process.env`, `Deno.env` or `Bun.env`.
 */

/** The variables passed through, by exact name. */
const PASSED = ['PATH', 'HOME', 'TMPDIR', 'TMP', 'TEMP', 'LANG', 'LANGUAGE', 'TZ'];

/** The variables passed through, by pattern: the locale's LC_*, and EDGECOMPAT_<NAME>_BIN (binary paths). */
const PASSED_PATTERNS = [/^LC_[A-Z]+$/, /^EDGECOMPAT_[A-Z0-9_]+_BIN$/];

/** The environment for target processes, taken from `parent` (edgecompat's own). */
export function targetEnvironment(parent: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && (PASSED.includes(name) || PASSED_PATTERNS.some((p) => p.test(name)))) env[name] = value;
  }
  return env;
}

/** In words, for the report's target info: which variables a target's processes get. */
export const TARGET_ENV_DESCRIPTION = `only ${PASSED.join(', ')}, LC_* and EDGECOMPAT_*_BIN from edgecompat's environment, plus what the runner sets itself`;

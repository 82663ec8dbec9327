/**
 * edgecompat.config: a project's standing choices for `edgecompat run` and `list` (suites, targets,
 * expectations, reporters, profiles, plug-in runners, output folder), in one file validated by
 * schemas/config.schema.json. Paths in it are relative to the file; command-line flags override it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError } from './input-error.ts';
import { validateConfig } from './schemas.ts';
import { parseYamlFile } from './yaml-file.ts';
import type { TargetConfig } from '../runners/types.ts';

/** The names looked for, in this order, in the working folder when no --config is given. */
export const CONFIG_NAMES = ['edgecompat.config.yaml', 'edgecompat.config.yml', 'edgecompat.config.json'];

/** A config file as written (schemas/config.schema.json). */
export interface ConfigFile {
  suites?: string[];
  targets?: Array<string | Omit<TargetConfig, 'default'> & { settings?: Record<string, unknown> }>;
  expectations?: string;
  reporters?: string[];
  profiles?: string[];
  runners?: string[];
  out?: string;
}

/** A config with its paths made absolute, and where it came from. */
export interface Config {
  /** The config file (absolute). */
  file: string;
  suites?: string[];
  /** Column names to select among the known ones. */
  targetNames?: string[];
  /** Columns the config defines itself (a runner with settings). */
  columns: TargetConfig[];
  expectations?: string;
  reporters?: string[];
  profiles: string[];
  runners: string[];
  out?: string;
}

/**
 * The config to use: `explicit` when given (it must exist), else the first of CONFIG_NAMES in `cwd`,
 * else undefined. An invalid file is an InputError naming the file, the line and the field.
 */
export function findConfig(explicit: string | undefined, cwd = process.cwd()): Config | undefined {
  if (explicit) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file)) throw new InputError([{ file: explicit, message: 'no such config file' }]);
    return readConfig(file, cwd);
  }
  const found = CONFIG_NAMES.map((name) => join(cwd, name)).find((file) => existsSync(file));
  return found ? readConfig(found, cwd) : undefined;
}

/** Reads and validates one config file; `cwd` only shortens the file name in messages. */
export function readConfig(file: string, cwd = process.cwd()): Config {
  const shown = relative(cwd, file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError([{ file: shown, message: `cannot read the config: ${(error as Error).message}` }]);
  }
  const parsed = parseYamlFile<ConfigFile>(shown, text, validateConfig);
  if (!parsed.data) throw new InputError(parsed.problems);
  const data = parsed.data;
  const columns = (data.targets ?? []).filter((t) => typeof t !== 'string').map((t) => ({ ...t, settings: t.settings ?? {} }));
  const seen = new Set<string>();
  for (const [i, t] of (data.targets ?? []).entries()) {
    const name = typeof t === 'string' ? t : t.name;
    if (seen.has(name)) throw new InputError([{ file: shown, line: parsed.lineOf(['targets', i]), path: `/targets/${i}`, message: `target "${name}" is listed twice` }]);
    seen.add(name);
  }
  const base = dirname(file);
  const at = (path: string) => (isAbsolute(path) ? path : resolve(base, path));
  return {
    file,
    suites: data.suites?.map(at),
    targetNames: data.targets ? (data.targets.map((t) => (typeof t === 'string' ? t : t.name))) : undefined,
    columns,
    expectations: data.expectations && at(data.expectations),
    reporters: data.reporters,
    profiles: (data.profiles ?? []).map(at),
    runners: (data.runners ?? []).map(at),
    out: data.out && at(data.out),
  };
}

/**
 * edgecompat.config: a project's standing choices for `edgecompat run` and `list` (suites, targets,
 * expectations, reporters, profiles, plug-in runners, output folder), in one file validated by
 * schemas/config.schema.json. Paths in it are relative to the file; command-line flags override it.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError } from '../../schemas/input-error.ts';
import { validateConfig } from '../../schemas/validators.ts';
import { addProfileFiles } from '../../profiles/profiles.ts';
import { DEFAULT_SUITE } from './load-cases.ts';
import { MAX_YAML_BYTES, parseYamlFile, pointer, readInputFile } from '../../schemas/input-file.ts';
import { columnSizeLimit } from '../../runners/size-limits.ts';
import type { TargetConfig } from '../../runners/types.ts';

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

/** Where a list of target names was written: a config file and each name's line. */
export interface TargetsSource {
  file: string;
  lines: Array<number | undefined>;
}

/** A config with its paths made absolute, and where it came from. */
export interface Config {
  /** The config file (absolute). */
  file: string;
  suites?: string[];
  /** Column names to select among the known ones. */
  targetNames?: string[];
  /** Where each of targetNames is written (the file as shown, and each name's line), for messages. */
  targetsAt?: TargetsSource;
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
  const parsed = parseYamlFile<ConfigFile>(shown, readInputFile(file, shown, MAX_YAML_BYTES), validateConfig);
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
  const config: Config = {
    file,
    suites: data.suites?.map(at),
    targetNames: data.targets ? (data.targets.map((t) => (typeof t === 'string' ? t : t.name))) : undefined,
    targetsAt: data.targets ? { file: shown, lines: data.targets.map((_, i) => parsed.lineOf(['targets', i])) } : undefined,
    columns,
    expectations: data.expectations && at(data.expectations),
    reporters: data.reporters,
    profiles: (data.profiles ?? []).map(at),
    runners: (data.runners ?? []).map(at),
    out: data.out && at(data.out),
  };
  const problems = pathProblems(data, config);
  if (problems.length === 0) problems.push(...sizeLimitProblems(data, config));
  if (problems.length > 0) throw new InputError(problems.map(({ path, message }) => ({ file: shown, line: parsed.lineOf(path), path: pointer(path), message })));
  return config;
}

type FieldProblem = { path: Array<string | number>; message: string };

/**
 * The paths a config names must be there, as what they are: suites (but globs), the expectations
 * file, profile files and runner modules; `out` may not be a file. Said here, at the config's line,
 * rather than later under another name.
 */
function pathProblems(data: ConfigFile, config: Config): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const kind = (path: string) => (existsSync(path) ? (statSync(path).isDirectory() ? 'folder' : 'file') : undefined);
  config.suites?.forEach((path, i) => {
    if (!/[*?[{]/.test(data.suites![i]) && !kind(path)) problems.push({ path: ['suites', i], message: `no such file or folder: ${data.suites![i]}` });
  });
  const files: Array<[Array<string | number>, string, string]> = [
    ...(config.expectations ? [[['expectations'], data.expectations!, config.expectations] as [Array<string | number>, string, string]] : []),
    ...config.profiles.map((path, i): [Array<string | number>, string, string] => [['profiles', i], data.profiles![i], path]),
    ...config.runners.map((path, i): [Array<string | number>, string, string] => [['runners', i], data.runners![i], path]),
  ];
  for (const [path, written, absolute] of files) {
    const found = kind(absolute);
    if (found !== 'file') problems.push({ path, message: found ? `${written} is a folder, not a file` : `no such file: ${written}` });
  }
  if (config.out && kind(config.out) === 'file') problems.push({ path: ['out'], message: `${data.out} is a file: out is the folder the reports are written to` });
  return problems;
}

/**
 * A column's `sizeLimit` setting must name a plan of a known profile (the config's own profiles
 * included), as the run will resolve it: a mistake here would otherwise surface once the run began.
 */
function sizeLimitProblems(data: ConfigFile, config: Config): FieldProblem[] {
  const problems: FieldProblem[] = [];
  // The config's own profiles are known first (a bad one is an InputError naming its file).
  if ((data.targets ?? []).some((t) => typeof t !== 'string' && t.settings?.sizeLimit !== undefined)) addProfileFiles(config.profiles);
  (data.targets ?? []).forEach((t, i) => {
    if (typeof t === 'string' || t.settings?.sizeLimit === undefined) return;
    const path = ['targets', i, 'settings', 'sizeLimit'];
    const setting = t.settings.sizeLimit;
    if (typeof setting !== 'string') {
      problems.push({ path, message: 'must be a string: a plan ("pro"), a profile and plan ("vercel/pro"), or "none"' });
      return;
    }
    try {
      columnSizeLimit({ ...t, settings: t.settings });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems.map((p) => ({ path, message: `${setting}: ${p.message}` })));
    }
  });
  return problems;
}

/** The options the config can set, by option name. */
const FROM_CONFIG: Record<string, (config: Config) => unknown> = {
  suite: (c) => c.suites,
  targets: (c) => c.targetNames,
  expectations: (c) => c.expectations,
  reporter: (c) => c.reporters,
  runner: (c) => (c.runners.length > 0 ? c.runners : undefined),
  out: (c) => c.out,
};

/** Options with a config applied, as run, list and the API take them. */
export type WithConfig<T> = T & { suite: string[]; columns: TargetConfig[]; configFile?: string; targetsAt?: TargetsSource };

/**
 * `opts` with the config applied: `opts.config`, else an edgecompat.config.* in the working folder,
 * else none. The config fills each option it sets that `keep(name)` does not keep (one given on the
 * command line, say); its profile files join the known profiles, and its own columns come before
 * those of `opts`.
 */
export function mergeConfig<T extends { config?: string; suite?: string[]; columns?: TargetConfig[]; configFile?: string }>(opts: T, keep: (name: string) => boolean): WithConfig<T> {
  const config = findConfig(opts.config);
  const merged: Record<string, unknown> = { ...opts };
  if (config) {
    addProfileFiles(config.profiles);
    for (const [name, read] of Object.entries(FROM_CONFIG)) {
      const value = keep(name) ? undefined : read(config);
      if (value === undefined) continue;
      merged[name] = value;
      if (name === 'targets') merged.targetsAt = config.targetsAt;
    }
  }
  return {
    ...(merged as T),
    suite: (merged.suite as string[] | undefined) ?? [DEFAULT_SUITE],
    columns: [...(config?.columns ?? []), ...(opts.columns ?? [])],
    configFile: opts.configFile ?? config?.file,
  };
}

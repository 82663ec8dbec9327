/**
 * Where a command's options meet edgecompat.config: the config fills every option the command line
 * did not give (commander says which ones it did), and its own columns and profiles join the run.
 */
import type { Command } from 'commander';
import { findConfig, type Config, type TargetsSource } from '../config.ts';
import { addProfileFiles } from '../profiles.ts';
import type { TargetConfig } from '../../runners/types.ts';
import { DEFAULT_SUITE } from './options.ts';

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

/**
 * A command's options with the config applied: options given on the command line win, and the
 * config sets only options the command has.
 */
export function applyConfig<T extends { config?: string; suite?: string[] }>(opts: T, command: Command): WithConfig<T> {
  return mergeConfig(opts, (name) => command.getOptionValueSource(name) === 'cli' || !command.options.some((o) => o.attributeName() === name));
}

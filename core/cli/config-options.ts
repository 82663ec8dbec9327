/**
 * Where a command's options meet edgecompat.config: the config fills every option the command line
 * did not give (commander says which ones it did), and its own columns and profiles join the run.
 */
import type { Command } from 'commander';
import { findConfig, type Config } from '../config.ts';
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

/**
 * The command's options with the config applied: `--config <file>`, else an edgecompat.config.* in
 * the working folder, else none. Options given on the command line win. The config's profile files
 * are added to the known profiles. Adds `columns` (the config's own columns) and `configFile`.
 */
export function applyConfig<T extends { config?: string; suite?: string[] }>(opts: T, command: Command): T & { suite: string[]; columns: TargetConfig[]; configFile?: string } {
  const config = findConfig(opts.config);
  const merged: Record<string, unknown> = { ...opts };
  if (config) {
    addProfileFiles(config.profiles);
    for (const [name, read] of Object.entries(FROM_CONFIG)) {
      if (command.getOptionValueSource(name) === 'cli' || !command.options.some((o) => o.attributeName() === name)) continue;
      const value = read(config);
      if (value === undefined) continue;
      merged[name] = value;
      if (name === 'targets') merged.targetsAt = config.targetsAt;
    }
  }
  return {
    ...(merged as T),
    suite: (merged.suite as string[] | undefined) ?? [DEFAULT_SUITE],
    columns: config?.columns ?? [],
    configFile: config?.file,
  };
}

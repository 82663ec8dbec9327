/**
 * Where a command's options meet edgecompat.config: the config fills every option the command line
 * did not give (commander says which ones it did; mergeConfig in core/cases/config.ts does the rest).
 */
import type { Command } from 'commander';
import { mergeConfig, type WithConfig } from '../core/cases/config.ts';

/**
 * A command's options with the config applied: options given on the command line win, and the
 * config sets only options the command has.
 */
export function applyConfig<T extends { config?: string; suite?: string[] }>(opts: T, command: Command): WithConfig<T> {
  return mergeConfig(opts, (name) => command.getOptionValueSource(name) === 'cli' || !command.options.some((o) => o.attributeName() === name));
}

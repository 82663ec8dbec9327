/**
 * Plug-in runners: a user's module, loaded by path through the same interface as the built-in ones,
 * so a vendor adds a runtime without a fork. The module's default export is a PluginRunner: a name,
 * a factory, and optionally the columns it offers (else one column named after it).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../core/input-error.ts';
import type { RunnerFactory, TargetConfig } from './types.ts';

/** What a plug-in module exports as its default. */
export interface PluginRunner {
  /** The runner's name; also the column name when `targets` is not given. */
  name: string;
  create: RunnerFactory;
  /** The columns it offers, each with its own settings; `runner` is filled in with `name`. */
  targets?: Array<Omit<TargetConfig, 'runner'>>;
}

/** Loads plug-in modules; returns their factories and columns. Throws InputError naming the file. */
export async function loadPlugins(paths: string[], cwd = process.cwd()): Promise<{ runners: Record<string, RunnerFactory>; targets: TargetConfig[] }> {
  const runners: Record<string, RunnerFactory> = {};
  const targets: TargetConfig[] = [];
  for (const path of paths) {
    const file = resolve(cwd, path);
    let plugin: PluginRunner;
    try {
      plugin = (await import(pathToFileURL(file).href)).default;
    } catch (error) {
      throw new InputError([{ file: path, message: `cannot load the runner module: ${(error as Error).message}` }]);
    }
    const problem = !plugin || typeof plugin !== 'object' ? 'it has no default export object'
      : typeof plugin.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(plugin.name) ? 'its default export needs a name made of a-z, 0-9 and -'
      : typeof plugin.create !== 'function' ? 'its default export needs a create(settings, ctx) function'
      : undefined;
    if (problem) throw new InputError([{ file: path, message: `not a runner module: ${problem} (see runners/README.md)` }]);
    runners[plugin.name] = plugin.create;
    const offered = plugin.targets?.length ? plugin.targets : [{ name: plugin.name, settings: {} }];
    for (const t of offered) targets.push({ ...t, runner: plugin.name, settings: t.settings ?? {} });
  }
  return { runners, targets };
}

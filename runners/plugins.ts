/**
 * Plug-in runners: a user's module, loaded by path through the same interface as the built-in ones,
 * so a vendor adds a runtime without a fork. The module's default export is a PluginRunner: a name,
 * a factory, and optionally the columns it offers (else one column named after it), the runner
 * interface version it was written for, and a JSON Schema for its columns' settings (the runner kit's
 * defineRunner makes one; a plain object works too).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../schemas/input-error.ts';
import { SUPPORTED_INTERFACE_VERSIONS } from './kit/define-runner.ts';
import { compileSettingsSchema, settingsProblems } from './kit/settings-schema.ts';
import { runnerSettings } from './size-limits.ts';
import type { PluginRunner, RunnerFactory, TargetConfig } from './types.ts';

/** The loaded plug-ins. */
export interface LoadedPlugins {
  runners: Record<string, RunnerFactory>;
  /** The columns the plug-ins offer, their settings already checked against their schemas. */
  targets: TargetConfig[];
  /**
   * Checks a column defined elsewhere (a config file) against its plug-in's settings schema; throws
   * an InputError naming the plug-in file, the column and the setting. A column of another runner passes.
   */
  checkColumn(target: TargetConfig): void;
}

/** Loads plug-in modules; returns their factories and columns. Throws InputError naming the file. */
export async function loadPlugins(paths: string[], cwd = process.cwd()): Promise<LoadedPlugins> {
  const runners: Record<string, RunnerFactory> = {};
  const targets: TargetConfig[] = [];
  const checks = new Map<string, (target: TargetConfig) => void>();
  for (const path of paths) {
    const file = resolve(cwd, path);
    if (!existsSync(file)) throw new InputError([{ file: path, message: 'no such runner module' }]);
    let plugin: PluginRunner;
    try {
      plugin = (await import(pathToFileURL(file).href)).default;
    } catch (error) {
      throw new InputError([{ file: path, message: `cannot load the runner module: ${(error as Error).message}` }]);
    }
    const problem = !plugin || typeof plugin !== 'object' ? 'it has no default export object'
      : typeof plugin.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(plugin.name) ? 'its default export needs a name made of a-z, 0-9 and -'
      : typeof plugin.create !== 'function' ? 'its default export needs a create(settings, ctx) function'
      : plugin.interfaceVersion !== undefined && typeof plugin.interfaceVersion !== 'number' ? 'its interfaceVersion must be a number'
      : undefined;
    if (problem) throw new InputError([{ file: path, message: `not a runner module: ${problem} (see runners/README.md)` }]);
    const version = plugin.interfaceVersion ?? 1;
    if (!SUPPORTED_INTERFACE_VERSIONS.includes(version)) {
      const supported = SUPPORTED_INTERFACE_VERSIONS.join(', ');
      throw new InputError([{ file: path, message: `the runner "${plugin.name}" is written for runner interface version ${version}; this edgecompat supports version ${supported} (see runners/README.md)` }]);
    }
    const validate = plugin.settingsSchema === undefined ? undefined : compileSettingsSchema(plugin.settingsSchema, path);
    const check = (target: TargetConfig) => {
      const problems = validate ? settingsProblems(validate, runnerSettings(target), path, target.name) : [];
      if (problems.length > 0) throw new InputError(problems);
    };
    checks.set(plugin.name, check);
    runners[plugin.name] = plugin.create;
    const offered = plugin.targets?.length ? plugin.targets : [{ name: plugin.name, settings: {} }];
    for (const t of offered) {
      const target = { ...t, runner: plugin.name, settings: t.settings ?? {} };
      check(target);
      targets.push(target);
    }
  }
  return { runners, targets, checkColumn: (target) => checks.get(target.runner)?.(target) };
}

/**
 * defineRunner: how a plug-in declares itself with the runner kit. It returns the very module shape
 * runners/plugins.ts loads (a plain object is still accepted there), with the interface version the
 * plug-in was written against and, optionally, a JSON Schema for its columns' settings.
 */
import type { PluginRunner, RunnerFactory, TargetConfig } from '../types.ts';

/** The version of the runner interface (runners/types.ts) that this edgecompat speaks. */
export const RUNNER_INTERFACE_VERSION = 1;

/** Every runner interface version this edgecompat loads. */
export const SUPPORTED_INTERFACE_VERSIONS: readonly number[] = [RUNNER_INTERFACE_VERSION];

/** What a plug-in gives defineRunner. */
export interface RunnerDefinition {
  /** The runner's name, made of a-z, 0-9 and -; also the column's name when `targets` is not given. */
  name: string;
  /** The runner interface version the plug-in was written against: RUNNER_INTERFACE_VERSION. */
  interfaceVersion: number;
  /**
   * A JSON Schema (2020-12, or draft-07 when its `$schema` says so) for one column's settings, checked
   * when the plug-in's columns are set up; a column whose settings break it stops the run (exit 2).
   * `sizeLimit`, which the engine takes out before the factory sees the settings, is not checked.
   */
  settingsSchema?: Record<string, unknown> | boolean;
  /** The columns the plug-in offers, each with its own settings (default: one column named after it). */
  targets?: Array<Omit<TargetConfig, 'runner'>>;
  /** Makes the runner of one column. */
  create: RunnerFactory;
}

/**
 * Declares a plug-in runner; export what it returns as the module's default. Throws a TypeError
 * naming the field when the definition is malformed (the run then stops with exit 2, naming the file).
 */
export function defineRunner(definition: RunnerDefinition): PluginRunner {
  const d = definition as Partial<RunnerDefinition> | undefined;
  if (!d || typeof d !== 'object') throw new TypeError('defineRunner needs an object { name, interfaceVersion, create }');
  if (typeof d.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(d.name)) throw new TypeError('defineRunner: "name" must be made of a-z, 0-9 and -');
  if (typeof d.interfaceVersion !== 'number') throw new TypeError(`defineRunner: "interfaceVersion" must be a number (this edgecompat's is ${RUNNER_INTERFACE_VERSION})`);
  if (typeof d.create !== 'function') throw new TypeError('defineRunner: "create" must be a function (settings, ctx) => Runner');
  if (d.settingsSchema !== undefined && typeof d.settingsSchema !== 'boolean' && (d.settingsSchema === null || typeof d.settingsSchema !== 'object')) {
    throw new TypeError('defineRunner: "settingsSchema" must be a JSON Schema (an object or a boolean)');
  }
  if (d.targets !== undefined && !Array.isArray(d.targets)) throw new TypeError('defineRunner: "targets" must be an array of { name, settings }');
  return Object.freeze({ ...(d as RunnerDefinition) });
}

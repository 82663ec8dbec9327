/**
 * A start() that could not finish because of a route: it never finished loading, or the target died
 * while loading it. Runners throw it so that the engine makes it that route's result (TIMEOUT or
 * CRASH) and loads the others without it.
 */
import type { Exit } from './types.ts';

/** Marks a LoadFault whichever copy of this module made it. */
const BRAND = Symbol.for('edgecompat.LoadFault');

/** Why a start() failed, and which route caused it when the runner knows. */
export class LoadFault extends Error {
  /**
   * `instanceof LoadFault` holds for a LoadFault of any copy of this module: a plug-in's
   * `edgecompat/runner-kit` and the CLI's bundle load two.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }

  readonly [BRAND] = true;

  /**
   * @param fault 'timeout': the route did not finish loading in time; 'exit': the target died loading it
   * @param key the route being loaded, when the runner knows it (else the engine splits the batch)
   * @param exit how the target ended, for 'exit'
   * @param afterMs how long the load was given, for 'timeout'
   */
  constructor(
    message: string,
    readonly fault: 'timeout' | 'exit',
    readonly key?: string,
    readonly exit?: Exit,
    readonly afterMs?: number,
  ) {
    super(message);
    this.name = 'LoadFault';
  }
}

/**
 * The routes of a run, bundled once per distinct bundling and shared by the columns that bundle
 * alike while they hold them (see RouteBundles).
 */
import type { Bundling } from '../../runners/types.ts';
import { prepareRoute, type PreparedRoute } from './route-modules.ts';
import type { Case } from '../types.ts';

/** A generated route of this many bytes or more is bundled while no other such route is. */
const LARGE_ROUTE_BYTES = 1_000_000;

/**
 * The cases' routes bundled once per distinct bundling, shared by the columns that bundle alike while
 * they hold them, and freed once none does: a run holds the routes of the batches in flight, not one
 * of every case (a size case's route may be tens of MB, and a suite thousands of cases). A route let
 * go and asked for again (by a column of the same bundling that comes later) is bundled again.
 */
export class RouteBundles {
  /** Bundling -> case id -> its route bundled that way, and how many columns hold it. */
  private readonly made = new Map<string, Map<string, { route: Promise<PreparedRoute>; holders: number }>>();
  /** The end of the queue of large routes being bundled, one at a time. */
  private largeQueue: Promise<unknown> = Promise.resolve();

  /**
   * Bundles a route; a large generated one (a size case's payload) waits for the large one before it.
   * Bundling copies a route several times over (generated, scanned, stripped, bundled, decoded):
   * several tens-of-MB routes made at once by columns that bundle apart were most of a run's peak memory.
   */
  private prepare(testCase: Case, bundling: Bundling | undefined): Promise<PreparedRoute> {
    if ((testCase.payload?.bytes ?? 0) < LARGE_ROUTE_BYTES) return prepareRoute(testCase, bundling);
    const prepared = this.largeQueue.then(() => prepareRoute(testCase, bundling));
    this.largeQueue = prepared.catch(() => undefined);
    return prepared;
  }

  /** The case's route bundled as `bundling` says, held until release(). */
  take(bundling: Bundling | undefined, testCase: Case): Promise<PreparedRoute> {
    const key = JSON.stringify(bundling ?? null);
    const made = this.made.get(key) ?? new Map<string, { route: Promise<PreparedRoute>; holders: number }>();
    this.made.set(key, made);
    const entry = made.get(testCase.id) ?? { route: this.prepare(testCase, bundling), holders: 0 };
    entry.holders++;
    made.set(testCase.id, entry);
    return entry.route;
  }

  /** A column is done with a case's route; the last one to let go frees it. */
  release(bundling: Bundling | undefined, caseId: string): void {
    const made = this.made.get(JSON.stringify(bundling ?? null));
    const entry = made?.get(caseId);
    if (entry && --entry.holders <= 0) made!.delete(caseId);
  }
}

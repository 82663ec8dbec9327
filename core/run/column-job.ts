/**
 * What the engine of one column is given (a ColumnJob: its runners, cases, routes and where results
 * go), and how a case that has run is handed on to be judged (Emit).
 */
import type { Agent } from 'undici';
import type { Loaded, Runner } from '../../runners/types.ts';
import type { SizeLimit } from '../../profiles/code-size.ts';
import type { PreparedRoute } from './route-modules.ts';
import type { Case, Observation, Status } from '../types.ts';
import type { Result, Verification } from '../report/report-types.ts';

/** What the engine needs to run one column. */
export interface ColumnJob {
  target: string;
  /**
   * The runner for the n-th batch: 0 is the runner the column was set up with, each other a new runner
   * of the same column with a work folder of its own.
   */
  runnerFor(n: number): Runner;
  cases: Case[];
  /**
   * The route of a case, bundled for this column (or refused by its build). The engine asks for a
   * batch's routes when the batch is about to start (all at once for a runner that prepares every
   * route, such as Next's build), and gives each back with release() once no start can need it.
   */
  route(testCase: Case): Promise<PreparedRoute>;
  /** The column is done with a case's route (see route()). */
  release(testCase: Case): void;
  /** The code-size limit the column's platform deploys routes under, if it stands for one. */
  sizeLimit?: SizeLimit;
  /** Why a case is not run on this column (an area it does not run, a requirement it lacks), else undefined. */
  skipReason?(testCase: Case, runner: Runner): string | undefined;
  /** Cases in flight at once in the column (in verified isolation: warm hosts at once). */
  concurrency: number;
  /**
   * verified: cases one at a time on warm hosts that prove themselves clean between cases, where the
   * runner has them (Runner.verified); fresh: a fresh host per batch, as the runner's isolation says.
   */
  isolation: 'verified' | 'fresh';
  /** What verified isolation found, filled in as the cases run (for the column's run info). */
  verification?: Verification;
  agent: Agent;
  /** Aborted when the whole run stops (Ctrl-C). */
  signal: AbortSignal;
  expected(caseId: string): Status;
  /** The subtests of a case the expectations list as failing on this column. */
  knownFailingSubtests?(caseId: string): readonly string[];
  onResult(result: Result): void;
  /**
   * Called with a started target's routes once its batch's cases have run, before it stops, and on a
   * warm host after each case (run --perf reads its memory).
   */
  afterBatch?(loaded: Loaded): void;
  log(message: string): void;
}

/** A case that has run: what was seen, how long it took, and when it finished (performance.now()). */
export interface Finished {
  testCase: Case;
  observation: Observation;
  durationMs: number;
  at: number;
}

/** Hands a finished case on to be judged and recorded. */
export type Emit = (finished: Omit<Finished, 'at'>) => void;

/**
 * The canonical report: the one document every renderer reads. Its shape is fixed by
 * schemas/report.schema.json; these types mirror it.
 */
import type { Case, Observation, Status, SubtestTally } from '../types.ts';
import type { Support } from '../types.ts';

/** Run info for one column of the matrix. Every field is a field, never parsed out of a string. */
export interface TargetRun {
  /** Column name, unique in the report. */
  name: string;
  /** The runner that hosted it (node, edge-runtime, workerd, deno, bun, nextjs, http, or a plug-in's). */
  runtime: string;
  /** The runtime's own version, or "unknown" when it could not be asked (SKIP). */
  version: string;
  settings: Record<string, unknown>;
  flags: string[];
  os: string;
  arch: string;
  nodeVersion: string;
  edgecompatVersion: string;
  startedAt: string;
  endedAt: string;
  /** How the column kept cases apart ("a process per route" ...), as its runner says. */
  isolation?: string;
  /** Which isolation the column ran with, and what verified isolation found (schemas/report.schema.json). */
  verification?: Verification;
  /** What a route could reach on the column (files, network, environment), as its runner says. */
  access?: { files: string; network: string; env: string };
  /** Set when the whole column was skipped (runtime not installed ...). */
  skipped?: string;
  /** The code-size limit the column deployed routes under (its platform profile's plan). */
  sizeLimit?: { id: string; label: string; bytes: number; display: string; compression: 'gzip' | 'none'; source: string };
  /** run --perf: cold start, time to first byte and memory; figures beside the matrix, not verdicts. */
  perf?: TargetPerf;
}

/**
 * A case as the report keeps it: enough to render and to re-run it. `route` is the route's source as
 * written (for a probe: the generated module).
 */
export type CaseEntry = Pick<Case, 'id' | 'title' | 'area' | 'feature' | 'tags' | 'source' | 'file' | 'line' | 'route' | 'probe' | 'refused' | 'flaky' | 'steps'>;

/** One case on one target. */
export interface Result {
  caseId: string;
  target: string;
  status: Status;
  /** What the expectations file says this cell should be (PASS unless listed). */
  expected: Status;
  message: string;
  durationMs: number;
  observation: Observation;
  /** What a support probe found: missing, stub (exists, throws when called) or working. */
  support?: Support;
  /** A subtest case's passed/total and its failing vectors. */
  subtests?: SubtestTally;
  /** Set when the result fails the gate: what it is to the gate (core/judge/gate.ts). */
  gate?: Exclude<GateOutcome, 'as-expected'>;
}

/**
 * The version of the report's shape. 2: a step's headers are every field line in order
 * (`headerFields`), observations may hold `buildWarnings`, `loadTimedOutMs` and `output`, and target
 * runs `isolation`.
 */
export const REPORT_SCHEMA_VERSION = 2;

/** The canonical report.json. */
export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  edgecompatVersion: string;
  /** A hash of the cases' content: shards and runs merge only when it matches. */
  caseSetHash: string;
  startedAt: string;
  endedAt: string;
  /** Set when the run covered a slice of the cases: "i/n". */
  shard?: string;
  /** Set when the run was stopped before it finished (Ctrl-C). */
  interrupted?: boolean;
  /** Columns that ended on an exception of edgecompat or a plug-in (the run exits 3); their cells are missing. */
  internalErrors?: Array<{ target: string; message: string }>;
  targets: TargetRun[];
  cases: CaseEntry[];
  results: Result[];
}

/** A result's meaning to the gate. */
export type GateOutcome = 'as-expected' | 'regression' | 'unexpected-pass' | 'changed-failure';

/** The figures of one column, as the report's target info holds them. */
export interface TargetPerf {
  /** Fresh starts made. */
  starts: number;
  /** Median cold start, ms: start asked -> first response complete. */
  coldStartMs?: number;
  /** Every start's cold start, ms, in order. */
  coldStartRunsMs: number[];
  /** Median time to first byte of a warm request, ms. */
  ttfbMs?: number;
  /** Warm requests the median is of. */
  ttfbRequests: number;
  /** Median resident memory of the target's processes after the first response, bytes. */
  rssAfterStartBytes?: number;
  /** Largest resident memory of a target process once its batch of the suite has run, bytes. */
  rssAfterSuiteBytes?: number;
  /** How many processes (batches) that largest reading is the largest of. */
  rssAfterSuiteReadings?: number;
  /** Why a figure is missing. */
  notes?: string[];
}

/** How a column's cases were kept apart: warm hosts that proved themselves clean, or fresh hosts. */
export interface Verification {
  mode: 'verified' | 'fresh';
  /** What the runtime's proof reads. */
  proves?: string;
  /** What it cannot read: routes found doing it got a fresh host. */
  blindTo?: string[];
  /** Warm hosts started. */
  warmHosts?: number;
  /** Cases whose verdict a warm host gave. */
  casesOnWarmHosts?: number;
  /** Cases given a fresh host before they ran, by the hazard the scan found. */
  freshByScan?: Record<string, number>;
  /** Warm hosts retired, each with the case it held and why. */
  retired?: Array<{ caseId: string; why: string }>;
  /** Cases run again alone on a fresh host because their warm host was not proven clean. */
  ranAgainAlone?: number;
  /**
   * Cases whose first verdict load could have made (a timeout, a failed stream timing), run again
   * alone once the column's other cases were done: the first verdict, and the one recorded.
   */
  ranAgainForLoad?: Array<{ caseId: string; first: string; then: string }>;
}

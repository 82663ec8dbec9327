/**
 * A whole run: every column concurrently (bounded), each through the engine, every result recorded
 * as it comes, and the canonical report assembled at the end, also when the run is interrupted.
 */
import { withGate } from '../judge/gate.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { arch, platform, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runColumn } from './column.ts';
import type { Recorder } from '../report/recorder.ts';
import { REPORT_SCHEMA_VERSION, type CaseEntry, type Report, type Result, type TargetRun, type Verification } from '../report/report-types.ts';
import type { Case, Status } from '../types.ts';
import { EDGECOMPAT_VERSION } from '../version.ts';
import type { Runner, RunnerFactory, TargetConfig, TargetInfo } from '../../runners/types.ts';
import { columnSizeLimit, runnerSettings } from '../../runners/size-limits.ts';
import type { SizeLimit } from '../../profiles/code-size.ts';
import { ColumnMemory, measureStarts, PERF_CASE } from '../perf/measure.ts';
import { prepareRoute } from './route-modules.ts';
import { targetEnvironment } from '../../runners/host/target-env.ts';
import { ACCESS } from '../../runners/access.ts';
import { BUILDS_FIRST } from '../../runners/registry.ts';
import { createClientAgent } from '../../runners/client-agent.ts';
import { caseSetHash } from '../cases/case-keys.ts';
import { RouteBundles } from './route-bundles.ts';
import { skipReason } from './skip-reason.ts';

/** What a run needs. */
export interface MatrixOptions {
  /** The cases to run (after filtering and sharding). */
  cases: Case[];
  /** Every loaded case, before filtering: its hash identifies the case set. */
  allCases: Case[];
  targets: TargetConfig[];
  runners: Record<string, RunnerFactory>;
  recorder: Recorder;
  /** Cases in flight per column. */
  concurrency: number;
  /** Columns running at once. */
  jobs: number;
  signal: AbortSignal;
  shard?: string;
  expected?: (caseId: string, target: string) => Status;
  /** The subtests of a case the expectations list as failing on a target. */
  knownFailingSubtests?: (caseId: string, target: string) => readonly string[];
  onResult?: (result: Result) => void;
  onTargetStart?: (target: TargetConfig) => void;
  /** Called with a column's run info once every case of it has a result. */
  onTargetEnd?: (run: TargetRun) => void;
  /** run --perf: measure each column's cold start, time to first byte and memory (figures, not verdicts). */
  perf?: { starts: number; requests: number };
  /**
   * verified (the default): each column whose runner has warm hosts runs its cases on them, one at a
   * time, each host proving itself clean between cases; fresh: a fresh host per case (or batch).
   */
  isolation?: 'verified' | 'fresh';
  log: (message: string) => void;
  /**
   * run --resume: results an interrupted run finished. Their cells are not run again and they join
   * the report (they are in the journal already). A column whose every cell is done keeps its run
   * info from `doneTargets` (the last one given for it) and is not started.
   */
  done?: Result[];
  /** run --resume: the column runs the interrupted run's journal holds. */
  doneTargets?: TargetRun[];
}

/** Runs the matrix and returns the canonical report (also written by the recorder). */
export async function runMatrix(options: MatrixOptions): Promise<Report> {
  const startedAt = new Date().toISOString();
  // Every column's size limit, before anything starts: a bad setting stops the run here.
  const limits = new Map(options.targets.map((t) => [t.name, columnSizeLimit(t)]));
  const bundles = new RouteBundles();
  const agent = createClientAgent();
  const workRoot = mkdtempSync(join(tmpdir(), 'edgecompat-'));
  const results: Result[] = [...(options.done ?? [])];
  const targetRuns: TargetRun[] = [];
  const finished = new Set(results.map((r) => cellKey(r.target, r.caseId)));
  const internalErrors: InternalError[] = [];
  // Columns that build before their first case start first; the report keeps the columns' order.
  const pending = [...options.targets].sort((a, b) => Number(BUILDS_FIRST.has(b.runner)) - Number(BUILDS_FIRST.has(a.runner)));
  // run --perf: each column's memory readings as its batches finish.
  const memories = new Map(options.perf ? options.targets.map((t) => [t.name, new ColumnMemory()]) : []);
  try {
    const lane = async () => {
      while (pending.length > 0 && !options.signal.aborted) {
        const target = pending.shift()!;
        // run --resume: only the cells the interrupted run did not finish.
        const todo = options.cases.filter((c) => !finished.has(cellKey(target.name, c.id)));
        const kept = todo.length === 0 ? options.doneTargets?.filter((t) => t.name === target.name).pop() : undefined;
        if (kept) {
          targetRuns.push(kept);
          continue;
        }
        options.onTargetStart?.(target);
        let run: TargetRun;
        try {
          run = await runTarget(target, limits.get(target.name), { ...options, cases: todo }, bundles, agent, workRoot, memories.get(target.name), (result) => {
            results.push(result);
            options.recorder.result(result);
            options.onResult?.(result);
          });
        } catch (error) {
          // A fault of edgecompat or of a plug-in's code, not a verdict: the column ends here, the
          // others finish, and the run fails as an internal error once their results are written.
          internalErrors.push({ target: target.name, message: `${(error as Error).stack ?? error}` });
          options.log(`[${target.name}] internal error: ${(error as Error).message ?? error}`);
          run = { ...targetBase(target), runtime: target.runner, version: 'unknown', settings: target.settings, flags: [], endedAt: new Date().toISOString() };
        }
        targetRuns.push(run);
        options.recorder.target(run);
        options.onTargetEnd?.(run);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.jobs) }, lane));
    if (options.perf) await addPerf(targetRuns, memories, options, options.perf, workRoot);
  } finally {
    await agent.close();
    rmSync(workRoot, { recursive: true, force: true });
  }
  const order = new Map(options.targets.map((t, i) => [t.name, i]));
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    edgecompatVersion: EDGECOMPAT_VERSION,
    caseSetHash: caseSetHash(options.allCases),
    startedAt,
    endedAt: new Date().toISOString(),
    ...(options.shard ? { shard: options.shard } : {}),
    ...(options.signal.aborted ? { interrupted: true } : {}),
    ...(internalErrors.length > 0 ? { internalErrors } : {}),
    targets: targetRuns.sort((a, b) => order.get(a.name)! - order.get(b.name)!),
    cases: options.cases.map(caseEntry),
    results: results.map(withGate),
  };
  options.recorder.writeReport(report);
  if (internalErrors.length > 0) throw new RunInternalError(report);
  return report;
}

/** A cell of the matrix, as a map key. */
const cellKey = (target: string, caseId: string) => JSON.stringify([target, caseId]);

/** A column that ended on an exception of edgecompat or of a plug-in's code. */
export interface InternalError {
  target: string;
  /** The error, with its stack. */
  message: string;
}

/** Thrown by runMatrix after it has written the report, when a column ended on an internal error. */
export class RunInternalError extends Error {
  constructor(readonly report: Report) {
    super(`internal error in ${report.internalErrors!.map((e) => e.target).join(', ')}:\n${report.internalErrors!.map((e) => e.message).join('\n')}`);
    this.name = 'RunInternalError';
  }
}

/** What every column's run info starts with. */
function targetBase(target: TargetConfig, startedAt = new Date().toISOString()) {
  return { name: target.name, os: `${platform()} ${release()}`, arch: arch(), nodeVersion: process.versions.node, edgecompatVersion: EDGECOMPAT_VERSION, startedAt };
}

async function runTarget(
  target: TargetConfig,
  sizeLimit: SizeLimit | undefined,
  options: MatrixOptions,
  bundles: RouteBundles,
  agent: ReturnType<typeof createClientAgent>,
  workRoot: string,
  memory: ColumnMemory | undefined,
  onResult: (result: Result) => void,
): Promise<TargetRun> {
  const startedAt = new Date().toISOString();
  const workDir = mkdtempSync(join(workRoot, `${target.name.replace(/[^a-z0-9-]/gi, '_')}-`));
  const log = (message: string) => options.log(`[${target.name}] ${message}`);
  const base = targetBase(target, startedAt);
  const expected = (caseId: string) => options.expected?.(caseId, target.name) ?? 'PASS';
  // A column that cannot run at all: every case gets the same SKIP (not installed) or ERROR (broken).
  const endAll = (status: 'SKIP' | 'ERROR', reason: string): TargetRun => {
    for (const c of options.cases) {
      const observation = status === 'SKIP' ? { skipped: reason, steps: [] } : { harnessError: { name: 'RunnerError', message: reason }, steps: [] };
      onResult({ caseId: c.id, target: target.name, status, expected: expected(c.id), message: reason, durationMs: 0, observation });
    }
    return { ...base, runtime: target.runner, version: 'unknown', settings: target.settings, flags: [], endedAt: new Date().toISOString(), ...(status === 'SKIP' ? { skipped: reason } : {}) };
  };
  let runner: Runner;
  let info: TargetInfo;
  const newRunner = runnerMaker(target, options, log);
  try {
    runner = newRunner(workDir);
    const reason = await runner.unavailable();
    if (reason) return endAll('SKIP', reason);
    info = await runner.info();
  } catch (error) {
    return endAll('ERROR', `the ${target.runner} runner could not be set up: ${(error as Error).message ?? error}`);
  }
  // Each batch past the first gets a runner of its own, in a folder of its own.
  const runnerFor = (n: number) => (n === 0 ? runner : newRunner(mkdtempSync(join(workDir, `batch-${n}-`))));
  // What the column's isolation was, and what verified isolation found (filled in by the engine).
  const verification: Verification = { mode: options.isolation ?? 'verified' };
  // Only the routes of cases the column runs are bundled (a size case's route may be tens of MB), as
  // their batches start; each is given back once, when the engine is done with it or at the end.
  const held = new Set<string>();
  const route = (c: Case) => {
    held.add(c.id);
    return bundles.take(runner.bundling, c);
  };
  const release = (c: Case) => held.delete(c.id) && bundles.release(runner.bundling, c.id);
  try {
    await runColumn({
      isolation: options.isolation ?? 'verified', verification,
      afterBatch: memory && ((loaded) => memory.read([...loaded.urls.values()][0])),
      target: target.name, runnerFor, cases: options.cases, route, release, sizeLimit, skipReason: (c, r) => skipReason(target, c, r, sizeLimit), knownFailingSubtests: (caseId) => options.knownFailingSubtests?.(caseId, target.name) ?? [], concurrency: options.concurrency, agent, signal: options.signal, expected, onResult, log });
  } finally {
    for (const id of held) bundles.release(runner.bundling, id);
  }
  const isolation = runner.isolation?.description ?? 'every route in one start of the target';
  // A built-in runner's access is data (runners/access.ts, by runner; a +cache column's is its runtime's).
  const declared = runner.access ?? ACCESS[target.runner === 'platform-cache' ? String(target.settings.runtime) : target.runner];
  const access = declared && { files: declared.files, network: declared.network, env: declared.env };
  const settings = sizeLimit ? { ...info.settings, sizeLimit: sizeLimit.id } : info.settings;
  const limit = sizeLimit && { id: sizeLimit.id, label: sizeLimit.label, bytes: sizeLimit.bytes, display: sizeLimit.display, compression: sizeLimit.compression, source: sizeLimit.source };
  return { ...base, runtime: info.runtime, version: info.version, settings, flags: info.flags, isolation, verification, ...(access ? { access } : {}), ...(limit ? { sizeLimit: limit } : {}), endedAt: new Date().toISOString() };
}

/**
 * Makes the runners of one column, each in the folder it is given; they share what one of them
 * prepares (a build every runner of the column serves).
 */
function runnerMaker(target: TargetConfig, options: MatrixOptions, log: (message: string) => void): (dir: string) => Runner {
  const shared = new Map<string, unknown>();
  return (dir) => options.runners[target.runner](runnerSettings(target), { workDir: dir, env: targetEnvironment(), log, shared, signal: options.signal });
}

/**
 * run --perf, once the matrix is done: fresh starts one column at a time, so no column's figures
 * carry another's load, joined with the memory each column's batches showed during the matrix.
 */
async function addPerf(targetRuns: TargetRun[], memories: Map<string, ColumnMemory>, options: MatrixOptions, perf: { starts: number; requests: number }, workRoot: string): Promise<void> {
  for (const run of targetRuns) {
    if (options.signal.aborted || run.skipped) continue;
    const target = options.targets.find((t) => t.name === run.name)!;
    const log = (message: string) => options.log(`[${target.name}] ${message}`);
    log(`perf: ${perf.starts} fresh starts`);
    const starts = await measureStarts(runnerMaker(target, options, log), mkdtempSync(join(workRoot, 'perf-')), { ...perf, route: (bundling) => prepareRoute(PERF_CASE, bundling), log });
    const suite = memories.get(run.name)?.figures() ?? {};
    const notes = [...(starts.notes ?? []), ...(suite.notes ?? [])];
    run.perf = { ...starts, ...suite, ...(notes.length ? { notes } : {}) };
  }
}

function caseEntry(c: Case): CaseEntry {
  return {
    id: c.id,
    title: c.title,
    area: c.area,
    feature: c.feature,
    tags: c.tags,
    source: c.source,
    file: c.file,
    ...(c.line ? { line: c.line } : {}),
    route: c.route,
    ...(c.probe ? { probe: c.probe } : {}),
    ...(c.refused ? { refused: c.refused } : {}),
    ...(c.flaky ? { flaky: c.flaky } : {}),
    steps: c.steps,
  };
}

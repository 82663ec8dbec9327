/**
 * `run()`: a whole run from code, as `edgecompat run` does it (the same plan, engine, recorder and
 * judge), returning the canonical report instead of exiting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Recorder } from '../core/report/recorder.ts';
import type { Report, Result } from '../core/report/report-types.ts';
import { runMatrix } from '../core/run/run-matrix.ts';
import { planRun, type PlanOptions, type RunPlan } from '../core/run/plan.ts';
import { mergeConfig } from '../core/cases/config.ts';

/** What `run()` takes: the plan's options (suites default to the shipped ones) and how to run it. */
export interface RunOptions extends Partial<PlanOptions> {
  /** A config file (edgecompat.config.yaml); its fields fill what these options leave out. */
  config?: string;
  /** Folder for report.json and results.jsonl; by default a temporary one, removed afterwards. */
  out?: string;
  /** Cases in flight per target (default 4). */
  concurrency?: number;
  /** Targets running at once (default 3). */
  jobs?: number;
  /** verified (default): warm hosts that prove themselves clean between cases, where a runner has them; fresh: a host per case. */
  isolation?: 'verified' | 'fresh';
  /** Stops the run; finished results are kept and the report says it was interrupted. */
  signal?: AbortSignal;
  /** Called with each result as it is judged. */
  onResult?: (result: Result) => void;
  /** Progress lines for humans (default: none). */
  log?: (message: string) => void;
}

/** The config fields a run from code takes (reporters and out are the CLI's; `out` here is explicit). */
const PLAN_FIELDS = ['suite', 'targets', 'expectations', 'runner'];

/** The plan of a run from these options and the config they name (or that the working folder holds). */
export async function plan(options: RunOptions = {}): Promise<RunPlan> {
  const opts = options as RunOptions & Record<string, unknown>;
  return planRun(mergeConfig(options, (name) => opts[name] !== undefined || !PLAN_FIELDS.includes(name)));
}

/** Runs the cases on the targets and resolves with the canonical report (also written to `out`). */
export async function run(options: RunOptions = {}, planned?: RunPlan): Promise<Report> {
  const { allCases, cases, targets, runners, expected, knownFailingSubtests } = planned ?? (await plan(options));
  const out = options.out ? resolve(options.out) : mkdtempSync(join(tmpdir(), 'edgecompat-run-'));
  try {
    return await runMatrix({
      cases,
      allCases,
      targets,
      runners,
      recorder: new Recorder(out),
      concurrency: options.concurrency ?? 4,
      jobs: options.jobs ?? 3,
      isolation: options.isolation,
      signal: options.signal ?? new AbortController().signal,
      shard: options.shard,
      expected,
      knownFailingSubtests,
      onResult: options.onResult,
      log: options.log ?? (() => {}),
    });
  } finally {
    if (!options.out) rmSync(out, { recursive: true, force: true });
  }
}

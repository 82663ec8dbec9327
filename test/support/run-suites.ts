/**
 * Running suites through the real engine from a test, without the CLI: every built-in column named,
 * a report in a temporary folder (validated on write, as every run's is), the report returned.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCases } from '../../core/cases/load-cases.ts';
import { Recorder } from '../../core/report/recorder.ts';
import type { Report } from '../../core/report/report-types.ts';
import { runMatrix } from '../../core/run/run-matrix.ts';
import type { Case } from '../../core/types.ts';
import { RUNNERS, TARGETS } from '../../runners/registry.ts';
import type { RunnerFactory } from '../../runners/types.ts';

/** Options of one test run. */
export interface SuiteRun {
  /** Suite folders or files (relative to the project root or absolute). */
  suites: string[];
  /** Column names from the registry. */
  targets: string[];
  /** Reorders the loaded cases before the run (the engine runs them in the order given). */
  order?: (cases: Case[]) => Case[];
  concurrency?: number;
  jobs?: number;
  /** Measure each column as run --perf does. */
  perf?: { starts: number; requests: number };
  /** The columns' isolation (default: verified, as a run's). */
  isolation?: 'verified' | 'fresh';
  /** The runner factories by name (default: the built-in ones). */
  runners?: Record<string, RunnerFactory>;
}

/** Runs the suites on the columns and returns the report. */
export async function runSuites(run: SuiteRun): Promise<Report> {
  const all = await loadCases(run.suites);
  const cases = run.order ? run.order(all) : all;
  const targets = run.targets.map((name) => {
    const target = TARGETS.find((t) => t.name === name);
    if (!target) throw new Error(`no column ${name}`);
    return target;
  });
  const out = mkdtempSync(join(tmpdir(), 'edgecompat-test-run-'));
  try {
    return await runMatrix({
      cases,
      allCases: all,
      targets,
      runners: run.runners ?? RUNNERS,
      recorder: new Recorder(out),
      concurrency: run.concurrency ?? 4,
      jobs: run.jobs ?? 3,
      signal: new AbortController().signal,
      ...(run.perf ? { perf: run.perf } : {}),
      ...(run.isolation ? { isolation: run.isolation } : {}),
      log: () => {},
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** `caseId -> status` of one column of a report. */
export function statusesOf(report: Report, target: string): Record<string, string> {
  return Object.fromEntries(report.results.filter((r) => r.target === target).map((r) => [r.caseId, r.status]));
}

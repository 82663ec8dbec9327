/**
 * `edgecompat run`: load and plan the cases, run them on the chosen columns, record every result as
 * it comes, write the reports, print the summary, and exit 0, 1 or 2. Ctrl-C stops the run, keeps
 * what finished (results.jsonl and a report.json marked interrupted) and stops every target; so
 * does SIGTERM (what CI sends a cancelled job). `--resume <dir>` finishes such a run: the cells in
 * its results.jsonl are kept, the others run, and the journal and report.json in <dir> are completed.
 */
import { appendFileSync, existsSync, statSync } from 'node:fs';
import { InputError } from '../schemas/input-error.ts';
import { renderGateAnnotations } from '../reports/gate-annotations.ts';
import { renderMarkdown } from '../reports/markdown.ts';
import type { Report } from '../core/report/report-types.ts';
import { PERF_DEFAULTS } from '../core/perf/measure.ts';
import { resolve } from 'node:path';
import { Recorder } from '../core/report/recorder.ts';
import { planRun, type PlanOptions } from '../core/run/plan.ts';
import { RunInternalError, runMatrix } from '../core/run/run-matrix.ts';
import { killAllTargets } from '../runners/host/process.ts';
import { EXIT_FAILED, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, isUnexpected } from './exit-codes.ts';
import { createProgress } from './progress.ts';
import { writeRenderings, type ReporterName } from './write-renderings.ts';

/** The options of `edgecompat run`, as commander parses them (with the config applied). */
export interface RunCommandOptions extends PlanOptions {
  out: string;
  concurrency: number;
  jobs: number;
  /** verified (warm hosts proven clean between cases) or fresh (a fresh host per case). */
  isolation?: 'verified' | 'fresh';
  /** Runners' diagnostics as lines of their own. */
  verbose?: boolean;
  reporter: ReporterName[];
  exitZero?: boolean;
  /** Measure cold start, time to first byte and memory per target (figures, not verdicts). */
  perf?: boolean;
  /** Fresh starts per target for perf. */
  perfStarts?: number;
}

/** Runs the matrix; resolves with the process exit code. */
export async function runCommand(options: RunCommandOptions): Promise<number> {
  // 1. Plan: load and validate every case file, filter, shard, choose the columns (InputError -> exit 2).
  //    With --resume, also read what the interrupted run finished (a different run is an InputError).
  const { allCases, cases, targets, runners, staleExpectations, expected, knownFailingSubtests, done } = await planRun(options);
  for (const stale of staleExpectations) process.stderr.write(`edgecompat: warning: ${options.expectations}: "${stale}" matches no case of this run\n`);
  // A resumed run writes into the folder it resumes.
  const outDir = resolve(options.resume ?? options.out);
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new InputError([{ file: options.resume ? '--resume' : '--out', message: `${outDir} is a file; give a folder for the reports` }]);
  if (options.configFile) process.stderr.write(`edgecompat: config ${options.configFile.replace(`${process.cwd()}/`, '')}\n`);
  process.stderr.write(`edgecompat: ${cases.length} case(s) on ${targets.map((t) => t.name).join(', ')} -> ${outDir}\n`);
  if (done) process.stderr.write(`edgecompat: resuming: ${done.results.length} of ${cases.length * targets.length} result(s) are kept from ${outDir}\n`);

  // 2. Run, with Ctrl-C stopping the run cleanly (a second Ctrl-C stops at once).
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) {
      killAllTargets();
      process.exit(EXIT_INTERRUPTED);
    }
    process.stderr.write('\nedgecompat: stopping; finished results are kept (Ctrl-C again to stop at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = createProgress(cases.length * targets.length - (done?.results.length ?? 0), { verbose: options.verbose });
  const recorder = new Recorder(outDir, { append: done !== undefined });
  try {
    const report = await runMatrix({
      cases,
      allCases,
      targets,
      runners,
      recorder,
      concurrency: options.concurrency,
      jobs: options.jobs,
      isolation: options.isolation,
      signal: controller.signal,
      shard: options.shard,
      expected,
      knownFailingSubtests,
      ...(done ? { done: done.results, doneTargets: done.targets } : {}),
      ...(options.perf ? { perf: { starts: options.perfStarts ?? PERF_DEFAULTS.starts, requests: PERF_DEFAULTS.requests } } : {}),
      onResult: (r) => progress.result(r),
      onTargetStart: (t) => progress.targetStarted(t.name),
      onTargetEnd: (run) => progress.targetEnded(run),
      log: (m) => progress.note(m),
    });
    progress.done();
    // 3. Render from the canonical report, print the summary, choose the exit code.
    writeAll(report, outDir, options.reporter);
    if (report.interrupted) return EXIT_INTERRUPTED;
    return options.exitZero || !report.results.some(isUnexpected) ? EXIT_OK : EXIT_FAILED;
  } catch (error) {
    if (!(error instanceof RunInternalError)) throw error;
    // The finished results are written and rendered before the run fails as an internal error.
    progress.done();
    writeAll(error.report, outDir, options.reporter);
    process.stderr.write(`edgecompat: ${error.message}\n`);
    return EXIT_INTERNAL;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Writes the chosen renderings of the report (report.json is already written) and reports to GitHub. */
function writeAll(report: Report, outDir: string, reporters: ReporterName[]): void {
  const written = writeRenderings(report, outDir, reporters);
  process.stderr.write(`edgecompat: wrote ${written.map((f) => f.replace(`${process.cwd()}/`, '')).join(', ')}\n`);
  reportToGithub(report);
}

/**
 * On GitHub Actions (GITHUB_ACTIONS=true): an `::error` annotation at the case's line for each result
 * that fails the gate, on stdout where the runner reads workflow commands, and the Markdown summary
 * appended to the job's step summary ($GITHUB_STEP_SUMMARY).
 */
function reportToGithub(report: Report): void {
  if (process.env.GITHUB_ACTIONS !== 'true') return;
  process.stdout.write(renderGateAnnotations(report));
  const summary = process.env.GITHUB_STEP_SUMMARY;
  if (summary) appendFileSync(summary, `${renderMarkdown(report)}\n`);
}

/**
 * `edgecompat merge <a.json> <b.json>... --out <report.json> [--gate]`: merge shards of one run, or
 * columns run on other machines, into one report.json. Inputs are validated first; mixed case sets,
 * a column described two ways and a cell with two results are refused (exit 2), nothing written.
 * With --gate the merged report is the CI gate of a sharded run: once it is written, the command
 * exits 1 when a merged result fails the gate (a regression, an unexpected pass, a changed failure,
 * as `run` judges it against its expectations) or when an input was interrupted, naming each.
 */
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describeOutcome, gateOutcome } from '../core/judge/gate.ts';
import { InputError } from '../schemas/input-error.ts';
import { mergeReports } from '../core/report/merge.ts';
import { readReport, reportPath } from '../core/report/read-report.ts';
import { assertValidReport } from '../core/report/recorder.ts';
import type { Report } from '../core/report/report-types.ts';
import { plain } from '../reports/terminal.ts';
import { EXIT_FAILED, EXIT_OK, isUnexpected } from './exit-codes.ts';
import { writeJsonFile } from '../core/report/json-file.ts';

/** The options of `edgecompat merge`. */
export interface MergeCommandOptions {
  /** The merged report.json to write. */
  out: string;
  /** Exit 1 when a merged result fails the gate, or an input was interrupted. */
  gate?: boolean;
}

/** Longest message shown per result that fails the gate. */
const MAX_MESSAGE = 300;

/** Why the merged report fails the gate, one line each (none when it passes). */
export function gateFailures(report: Report): string[] {
  const lines = report.results.filter(isUnexpected).map((r) => {
    const outcome = describeOutcome(r);
    return `${gateOutcome(r)} ${plain(r.target)} ${plain(r.caseId)}: ${plain(r.status === 'PASS' ? outcome : `${outcome}: ${r.message}`, MAX_MESSAGE)}`;
  });
  return report.interrupted ? ['interrupted: an input run was stopped before it finished, so some results are missing', ...lines] : lines;
}

/** Merges the reports into `options.out`; returns the exit code (0, or 1 with --gate when the gate fails). */
export function mergeCommand(files: string[], options: MergeCommandOptions): number {
  // 1. Read and validate every input, then merge (InputError -> exit 2, nothing written).
  if (files.length === 0) throw new InputError([{ file: 'merge', message: 'give the report.json files to merge' }]);
  if (!options.out) throw new InputError([{ file: '--out', message: 'give the file to write: --out <report.json>' }]);
  const paths = files.map(reportPath);
  const merged = mergeReports(paths.map(readReport), { sources: paths });
  // 2. Write it, validated like every report edgecompat writes.
  assertValidReport(merged);
  const out = resolve(options.out);
  mkdirSync(dirname(out), { recursive: true });
  writeJsonFile(out, merged);
  process.stderr.write(`edgecompat: merged ${paths.length} report(s): ${merged.cases.length} cases x ${merged.targets.length} targets, ` +
    `${merged.results.length} results -> ${out.replace(`${process.cwd()}/`, '')}\n`);
  // 3. With --gate: the merged run's verdict, as `run` gives it for one machine.
  if (!options.gate) return EXIT_OK;
  const failures = gateFailures(merged);
  if (failures.length === 0) {
    process.stderr.write('edgecompat: gate passed: every merged result is as expected\n');
    return EXIT_OK;
  }
  process.stderr.write(`edgecompat: gate failed: ${failures.length} problem(s)\n${failures.map((line) => `  ${line}\n`).join('')}`);
  return EXIT_FAILED;
}

/** Adds `edgecompat merge` to the program. */
export function registerMergeCommand(program: Command): Command {
  return program.command('merge')
    .description('merge shards (or runs of other targets) of the same case set into one report.json')
    .argument('<reports...>', 'report.json files or run output folders')
    .requiredOption('--out <report.json>', 'the merged report to write')
    .option('--gate', 'exit 1 when a merged result fails the gate (a regression, an unexpected pass or a changed failure against the expectations the runs used) or an input was interrupted; the report is written first')
    .action((files: string[], opts: MergeCommandOptions) => {
      process.exitCode = mergeCommand(files, opts);
    });
}

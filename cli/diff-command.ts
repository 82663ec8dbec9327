/**
 * `edgecompat diff <base.json> <head.json> [--json]`: what changed between two runs. Exits 0 when
 * nothing that passed in the base fails in the head, 1 when something does (a CI gate on
 * regressions), 2 when an input is not a valid report.
 */
import type { Command } from 'commander';
import { diffReports } from '../core/report/diff.ts';
import { readReport } from '../core/report/read-report.ts';
import { renderDiffText } from '../reports/diff-text.ts';
import { EXIT_FAILED, EXIT_OK } from './exit-codes.ts';

/** The options of `edgecompat diff`. */
export interface DiffCommandOptions {
  /** Print the diff as JSON (the ReportDiff of core/report/diff.ts) instead of text. */
  json?: boolean;
}

/** Something to print to: process.stdout, or a test's collector. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Prints the diff of two reports; returns 1 when there are new failures, else 0. */
export function diffCommand(basePath: string, headPath: string, options: DiffCommandOptions = {}, stdout: Output = process.stdout): number {
  // 1. Both inputs are read and validated first (InputError -> exit 2).
  const base = readReport(basePath);
  const head = readReport(headPath);
  // 2. Compare and print.
  const diff = diffReports(base, head);
  if (options.json) stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
  else stdout.write(renderDiffText(diff, { color: Boolean(stdout.isTTY) && !process.env.NO_COLOR }));
  // 3. Gate: a new failure is a regression.
  return diff.newFailures.length > 0 ? EXIT_FAILED : EXIT_OK;
}

/** Adds `edgecompat diff` to the program. */
export function registerDiffCommand(program: Command): Command {
  return program.command('diff')
    .description('what changed between two reports; exit 1 when a case that passed now fails')
    .argument('<base>', 'the earlier report.json (or run output folder)')
    .argument('<head>', 'the later report.json (or run output folder)')
    .option('--json', 'print the diff as JSON')
    .action((base: string, head: string, opts: DiffCommandOptions) => {
      process.exitCode = diffCommand(base, head, opts);
    });
}

/**
 * `edgecompat merge <a.json> <b.json>... --out <report.json>`: merge shards of one run, or columns
 * run on other machines, into one report.json. Inputs are validated first; mixed case sets, a
 * column described two ways and a cell with two results are refused (exit 2), nothing written.
 */
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../input-error.ts';
import { mergeReports } from '../merge.ts';
import { readReport, reportPath } from '../read-report.ts';
import { assertValidReport } from '../recorder.ts';
import { EXIT_OK } from './exit-codes.ts';

/** The options of `edgecompat merge`. */
export interface MergeCommandOptions {
  /** The merged report.json to write. */
  out: string;
}

/** Merges the reports into `options.out`; returns the exit code (0). */
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
  writeFileSync(out, `${JSON.stringify(merged, null, 2)}\n`);
  process.stderr.write(`edgecompat: merged ${paths.length} report(s): ${merged.cases.length} cases x ${merged.targets.length} targets, ` +
    `${merged.results.length} results -> ${out.replace(`${process.cwd()}/`, '')}\n`);
  return EXIT_OK;
}

/** Adds `edgecompat merge` to the program. */
export function registerMergeCommand(program: Command): Command {
  return program.command('merge')
    .description('merge shards (or runs of other targets) of the same case set into one report.json')
    .argument('<reports...>', 'report.json files or run output folders')
    .requiredOption('--out <report.json>', 'the merged report to write')
    .action((files: string[], opts: MergeCommandOptions) => {
      process.exitCode = mergeCommand(files, opts);
    });
}

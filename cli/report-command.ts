/**
 * `edgecompat report <report.json...>`: re-render saved reports without running anything. Each
 * input is validated against schemas/report.schema.json; several inputs (shards, or columns run on
 * other machines) are merged first. With --baseline, the HTML and the terminal show what changed.
 */
import type { Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../schemas/input-error.ts';
import { mergeReports } from '../core/report/merge.ts';
import { readReport, reportPath } from '../core/report/read-report.ts';
import { assertValidReport, REPORT_FILE } from '../core/report/recorder.ts';
import { EXIT_OK } from './exit-codes.ts';
import { DEFAULT_REPORTERS, REPORTERS, writeRenderings, type ReporterName } from './write-renderings.ts';
import { list } from './options.ts';
import { writeJsonFile } from '../core/report/json-file.ts';

/** The options of `edgecompat report`. */
export interface ReportCommandOptions {
  /** Output folder; defaults to the input's folder when there is one input. Required for several. */
  out?: string;
  reporter?: string[];
  /** A previous report to compare with. */
  baseline?: string;
}

/** Checks reporter names; unknown ones are an InputError. */
export function parseReporters(names: readonly string[] = DEFAULT_REPORTERS): ReporterName[] {
  const unknown = names.filter((r) => !(REPORTERS as readonly string[]).includes(r));
  if (unknown.length > 0) throw new InputError([{ file: '--reporter', message: `unknown reporter ${unknown.join(', ')}; known: ${REPORTERS.join(', ')}` }]);
  return names as ReporterName[];
}

/** Re-renders one report, or the merge of several; returns the exit code (0). */
export function reportCommand(files: string[], options: ReportCommandOptions = {}): number {
  // 1. Read and validate everything before writing anything (InputError -> exit 2).
  const reporters = parseReporters(options.reporter);
  if (files.length === 0) throw new InputError([{ file: 'report', message: 'give at least one report.json' }]);
  if (files.length > 1 && !options.out) {
    throw new InputError([{ file: '--out', message: 'several reports are merged into a new folder: give --out <dir>' }]);
  }
  const paths = files.map(reportPath);
  const inputs = paths.map(readReport);
  const baseline = options.baseline ? readReport(options.baseline) : undefined;
  const report = inputs.length === 1 ? inputs[0] : mergeReports(inputs, { sources: paths });

  // 2. Write report.json when it is new here (a merge, or another folder); never rewrite the input.
  const outDir = resolve(options.out ?? dirname(paths[0]));
  mkdirSync(outDir, { recursive: true });
  const target = join(outDir, REPORT_FILE);
  const writeJson = reporters.includes('json') && (inputs.length > 1 || resolve(paths[0]) !== target);
  if (writeJson) {
    assertValidReport(report);
    writeJsonFile(target, report);
  }

  // 3. Render (writeRenderings lists report.json first: keep it only when it was written here).
  const written = writeRenderings(report, outDir, reporters, process.env, { baseline }).filter((f) => writeJson || f !== target);
  process.stderr.write(`edgecompat: wrote ${written.map((f) => f.replace(`${process.cwd()}/`, '')).join(', ')}\n`);
  return EXIT_OK;
}

/** Adds `edgecompat report` to the program. */
export function registerReportCommand(program: Command): Command {
  return program.command('report')
    .description('re-render saved report.json files (merging several) without running anything')
    .argument('<reports...>', 'report.json files or run output folders')
    .option('--out <dir>', 'folder for the renderings (default: the folder of the one input; required with several)')
    .option('--reporter <names>', `outputs: ${REPORTERS.join(', ')} (comma-separated; default: all)`, list)
    .option('--baseline <report.json>', 'a previous report: show what changed since it')
    .action((files: string[], opts: ReportCommandOptions) => {
      process.exitCode = reportCommand(files, opts);
    });
}

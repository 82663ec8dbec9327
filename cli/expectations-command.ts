/**
 * `edgecompat expectations <report.json>`: writes an expectations file that records a run's known
 * results that are not PASS, so that `run --expectations` fails only on what changes.
 */
import type { Command } from 'commander';
import { writeFileSync } from 'node:fs';
import { expectationsFromReport } from '../core/cases/expectations.ts';
import { readReport } from '../core/report/read-report.ts';
import { EXIT_OK } from './exit-codes.ts';

/** Writes the expectations of a saved report to `out`, or to stdout; resolves with the exit code. */
export function expectationsCommand(file: string, options: { out?: string }): number {
  const text = expectationsFromReport(readReport(file));
  if (options.out) {
    writeFileSync(options.out, text);
    process.stderr.write(`edgecompat: wrote ${options.out}\n`);
  } else process.stdout.write(text);
  return EXIT_OK;
}

/** Adds `expectations` to the program. */
export function registerExpectationsCommand(program: Command): Command {
  return program
    .command('expectations')
    .description('write an expectations file of a saved run\'s results that are not PASS (for run --expectations)')
    .argument('<report>', 'a report.json (or a run\'s output folder)')
    .option('--out <file>', 'write the YAML here instead of to stdout')
    .action((file: string, opts: { out?: string }) => {
      process.exitCode = expectationsCommand(file, opts);
    });
}

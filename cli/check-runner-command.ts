/**
 * `edgecompat check-runner <module> [--target <column>]`: the runner conformance checks
 * (core/runner-check/) on a plug-in runner's column, with their own small suite. One line per check,
 * PASS, FAIL or SKIP with what was seen, what is wrong or why it did not run; exit 0 when no check
 * fails (a runner without warm hosts skips that check), 1 when one does, 2 on bad input (no such
 * file, not a runner module, no such column, a bad setting).
 */
import type { Command } from 'commander';
import { InputError } from '../schemas/input-error.ts';
import { CHECKS, checkRunner } from '../core/runner-check/run-checks.ts';
import { loadPlugins } from '../runners/plugins.ts';
import { EXIT_FAILED, EXIT_OK } from './exit-codes.ts';

/** The options of `edgecompat check-runner`. */
export interface CheckRunnerCommandOptions {
  /** Which of the plug-in's columns to check; default its first. */
  target?: string;
}

/** Checks the plug-in's column and prints one line per check; resolves with the exit code. */
export async function checkRunnerCommand(module: string, options: CheckRunnerCommandOptions, out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<number> {
  const plugins = await loadPlugins([module]);
  const target = options.target === undefined ? plugins.targets[0] : plugins.targets.find((t) => t.name === options.target);
  if (!target) {
    throw new InputError([{ file: '--target', message: `${module} offers no column "${options.target}"; it offers ${plugins.targets.map((t) => t.name).join(', ')}` }]);
  }
  out(`edgecompat check-runner: ${module}, column ${target.name}`);
  const results = await checkRunner({
    target,
    factory: plugins.runners[target.runner],
    log: (message) => process.stderr.write(`[${target.name}] ${message}\n`),
    onResult: (result) => out(`${result.status} ${result.name}: ${result.detail.replace(/\s*\n\s*/g, ' ')}`),
  });
  const passed = results.filter((r) => r.status === 'PASS').length;
  const skipped = results.filter((r) => r.status === 'SKIP').length;
  out(`edgecompat check-runner: ${passed} of ${results.length - skipped} checks passed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  return results.some((r) => r.status === 'FAIL') ? EXIT_FAILED : EXIT_OK;
}

/** Adds `check-runner` to the program. */
export function registerCheckRunnerCommand(program: Command): void {
  program
    .command('check-runner')
    .description(`check a plug-in runner against the runner contract with a small suite of its own: ${CHECKS.join(', ')} (verified hosts only for a runner that offers them); exit 0 when no check fails, 1 when one does, 2 on bad input`)
    .argument('<module>', 'the plug-in runner module (see runners/README.md)')
    .option('--target <column>', "which of the plug-in's columns to check (default: its first)")
    .action(async (module: string, opts: CheckRunnerCommandOptions) => {
      process.exitCode = await checkRunnerCommand(module, opts);
    });
}

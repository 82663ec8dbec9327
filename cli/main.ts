/**
 * The edgecompat command line: parses arguments with commander and dispatches to one command module
 * each. Invalid input exits 2 with every problem named by file and field.
 */
import { PERF_DEFAULTS } from '../core/perf/measure.ts';
import { Command, Option } from 'commander';
import { formatProblem, InputError } from '../schemas/input-error.ts';
import { EDGECOMPAT_VERSION } from '../core/version.ts';
import { EXIT_INTERNAL, EXIT_USAGE } from './exit-codes.ts';
import { registerBundleCommand } from './bundle-command.ts';
import { registerCheckCommand } from './check-command.ts';
import { registerCheckRunnerCommand } from './check-runner-command.ts';
import { registerDiffCommand } from './diff-command.ts';
import { registerExpectationsCommand } from './expectations-command.ts';
import { listCommand } from './list-command.ts';
import { registerMergeCommand } from './merge-command.ts';
import { registerReportCommand } from './report-command.ts';
import { runCommand } from './run-command.ts';
import { registerServeCommand } from './serve-command.ts';
import { DEFAULT_REPORTERS, REPORTERS } from './write-renderings.ts';
import { list, positive, withCaseOptions } from './options.ts';
import { applyConfig } from './config-options.ts';
import { CONFIG_NAMES } from '../core/cases/config.ts';

const CONFIG_FLAG = '--config <file>';
const CONFIG_HELP = `a config file (schemas/config.schema.json): suites, targets, expectations, reporters, profiles, runners, out; paths relative to it, flags override it (default: ${CONFIG_NAMES.join(', ')} in the working folder, if there is one)`;


/** Builds the program; exported for tests of --help. */
export function buildProgram(): Command {
  const program = new Command('edgecompat')
    .description('Conformance suite and compatibility matrix for edge routes: (request: Request) => Response')
    .version(EDGECOMPAT_VERSION)
    .showHelpAfterError()
    .exitOverride();

  withCaseOptions(program.command('run').description('run the cases on the targets and write the reports'))
    .option('--targets <names>', 'comma-separated target names (default: the default matrix; see `edgecompat list`)', list)
    .option('--expectations <file>', 'known results that are not PASS, per target (YAML; see `edgecompat expectations`): only other results fail the run')
    .option('--url <url>', 'run the cases against an app deployed with `edgecompat bundle` (or served by `edgecompat serve`) at this URL (repeatable)', list)
    .option('--runner <module>', 'a plug-in runner module (see runners/README.md); its columns join the run (repeatable)', list)
    .option('--shard <i/n>', 'run only the stable slice i of n of the cases')
    .option('--out <dir>', 'folder for report.json, results.jsonl and the other reports', 'edgecompat-report')
    .option('--resume <dir>', 'finish the interrupted run whose output folder is <dir> (give its suites, case options and targets again): the cells in its results.jsonl are kept, only the others run, and the journal and reports in <dir> are completed; exit 2 if the case set or the cells differ')
    .addOption(new Option('--isolation <mode>', 'verified: each target runs its cases one at a time on warm hosts that prove themselves clean between cases (a case whose host is not proven clean runs again alone on a fresh host); fresh: a fresh host per case').choices(['verified', 'fresh']).default('verified'))
    .option('--concurrency <n>', 'cases in flight per target (with --isolation verified: warm hosts per target, four times as many where the runtime shows no timers, as bun)', positive, 4)
    .option('--jobs <n>', 'targets running at once', positive, 3)
    .addOption(new Option('--reporter <names>', `outputs besides report.json: ${REPORTERS.join(', ')} (comma-separated)`).argParser((v: string, previous: string[]) => list(v, previous === DEFAULT_REPORTERS ? [] : previous)).default(DEFAULT_REPORTERS))
    .option('--exit-zero', 'exit 0 even when cases fail (for publishing a matrix); usage errors still exit 2')
    .option('--verbose', "print the runners' diagnostics (builds, restarts, hosts retired) as lines of their own")
    .option('--allow-empty', 'let a --filter, --area, --tag or --shard that selects no case run nothing and exit 0 (otherwise exit 2)')
    .option('--perf', `also measure each target, once the matrix is done: cold start (start to the first response of one route, median of fresh starts), time to first byte (median of ${PERF_DEFAULTS.requests} requests) and memory after start and after the suite; figures in report.json's target info and the HTML, not verdicts`)
    .option('--perf-starts <n>', 'fresh starts per target for --perf', positive, PERF_DEFAULTS.starts)
    .option(CONFIG_FLAG, CONFIG_HELP)
    .action(async (opts, command: Command) => {
      const unknown = (opts.reporter as string[]).filter((r) => !(REPORTERS as readonly string[]).includes(r));
      if (unknown.length > 0) throw new InputError([{ file: '--reporter', message: `unknown reporter ${unknown.join(', ')}; known: ${REPORTERS.join(', ')}` }]);
      process.exitCode = await runCommand(applyConfig(opts, command));
    });

  withCaseOptions(program.command('list').description('list the cases and the known targets without running anything'))
    .option('--json', 'print JSON instead of text')
    .option('--runner <module>', 'a plug-in runner module (see runners/README.md); its columns are listed too (repeatable)', list)
    .option(CONFIG_FLAG, CONFIG_HELP)
    .action(async (opts, command: Command) => {
      process.exitCode = await listCommand(applyConfig(opts, command));
    });
  registerServeCommand(program);
  registerBundleCommand(program);
  registerCheckCommand(program);
  registerCheckRunnerCommand(program);
  registerReportCommand(program);
  registerMergeCommand(program);
  registerDiffCommand(program);
  registerExpectationsCommand(program);
  return program;
}

/** Runs the CLI with process.argv. */
export async function main(argv = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') {
      process.exitCode = 0;
    } else if (code?.startsWith('commander.')) {
      process.exitCode = EXIT_USAGE;
    } else if (error instanceof InputError) {
      process.stderr.write(`edgecompat: invalid input, nothing was run:\n${error.problems.map((p) => `  ${formatProblem(p)}\n`).join('')}`);
      process.exitCode = EXIT_USAGE;
    } else {
      process.stderr.write(`edgecompat: internal error: ${(error as Error).stack ?? error}\n`);
      process.exitCode = EXIT_INTERNAL;
    }
  }
}

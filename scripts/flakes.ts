/**
 * Runs the matrix N times with the real CLI (`edgecompat run`, a child process per run, each with
 * its own output folder) and reports every cell (target x case) whose status was not the same in all
 * runs, most flips first. Writes flakes.json (schemas/flakes.schema.json) beside the runs' folders.
 * Exit 0 when no unmarked cell flipped, 1 when some did, 2 on bad usage, 3 when no run wrote a
 * report, 130 on Ctrl-C (the runs that finished are summarised). See docs/flakes.md.
 * Usage: npm run flakes -- [--runs N] [--targets ...] [--suite ...] [--filter ...] [--area ...] [--out dir]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { countFlakes, flakeTotal, formatStatusCounts, markedTotal, type FlakeCount, type FlakyCell } from '../core/report/flakes.ts';
import { formatProblem, InputError } from '../schemas/input-error.ts';
import { readReport } from '../core/report/read-report.ts';
import type { Report } from '../core/report/report-types.ts';
import { EXIT_FAILED, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE } from '../cli/exit-codes.ts';
import { list, positive } from '../cli/options.ts';
import { STATUSES } from '../core/types.ts';
import { plain } from '../reports/terminal.ts';

const BIN = new URL('../cli/bin.mjs', import.meta.url).pathname;
/** The file written into the output folder. */
const FLAKES_FILE = 'flakes.json';
/** Messages shown per flaky cell in the table (flakes.json keeps them all). */
const MESSAGES_SHOWN = 3;

interface Options {
  runs: number;
  out: string;
  targets?: string[];
  suite?: string[];
  filter?: string[];
  area?: string[];
  tag?: string[];
  concurrency?: number;
  jobs?: number;
}

/** One run as flakes.json lists it. */
interface RunRecord {
  index: number;
  out: string;
  exitCode: number | null;
  signal?: string;
  durationMs: number;
  interrupted: boolean;
  results: number;
  error?: string;
}

function program(): Command {
  return new Command('flakes')
    .description('run the matrix N times (edgecompat run) and report every cell (target x case) whose status was not the same in all runs')
    .option('--runs <n>', 'how many runs', positive, 10)
    .option('--targets <names>', 'comma-separated target names, as for edgecompat run (default: the default matrix)', list)
    .option('--suite <path>', 'case folder, YAML file or glob (repeatable; default: the suites edgecompat ships)', list)
    .option('--filter <pattern>', 'case id glob (repeatable, comma-separated)', list)
    .option('--area <area>', 'only these areas (repeatable, comma-separated)', list)
    .option('--tag <tag>', 'only cases with one of these tags (repeatable, comma-separated)', list)
    .option('--concurrency <n>', 'cases in flight per target (edgecompat run\'s default when not given)', positive)
    .option('--jobs <n>', 'targets running at once (edgecompat run\'s default when not given)', positive)
    .option('--out <dir>', `folder for ${FLAKES_FILE} and each run's reports (run-1/, run-2/ ...)`, 'edgecompat-flakes')
    .showHelpAfterError()
    .exitOverride();
}

/** The options every `edgecompat run` gets, besides its own --out. */
function runArgs(options: Options): string[] {
  const args: string[] = [];
  const lists = { targets: options.targets, suite: options.suite, filter: options.filter, area: options.area, tag: options.tag };
  for (const [name, values] of Object.entries(lists)) if (values?.length) args.push(`--${name}`, values.join(','));
  if (options.concurrency !== undefined) args.push('--concurrency', String(options.concurrency));
  if (options.jobs !== undefined) args.push('--jobs', String(options.jobs));
  return args;
}

/** The child, while a run is in flight: signalled as a process group (it was started in its own). */
let current: ChildProcess | undefined;
let stopping = false;

function signalRun(signal: NodeJS.Signals): void {
  if (current?.pid === undefined || current.exitCode !== null || current.signalCode !== null) return;
  try {
    process.kill(-current.pid, signal);
  } catch {
    /* already gone */
  }
}

/** A signal this soon after the one before is the same Ctrl-C: tsx relays to its child what the terminal sent it too. */
const SAME_SIGNAL_MS = 1000;
let lastSignal = -Infinity;

/**
 * Ctrl-C (or SIGTERM): the run in flight is asked to stop as `edgecompat run` stops on Ctrl-C (it
 * keeps what finished and stops its targets); a second one makes it stop at once. No run follows.
 */
function onSignal(): void {
  const now = performance.now();
  if (now - lastSignal < SAME_SIGNAL_MS) return;
  lastSignal = now;
  if (!stopping) process.stderr.write('\nflakes: stopping; the runs that finished are summarised (Ctrl-C again to stop at once)\n');
  stopping = true;
  signalRun('SIGINT');
}

/** Makes one run into `<out>/run-<index>`; resolves with its record and its report when it has one. */
async function makeRun(index: number, outDir: string, args: string[]): Promise<{ record: RunRecord; report?: Report; stderrTail: string }> {
  const dir = join(outDir, `run-${index}`);
  // A report left by an earlier invocation must not pass for this run's.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const log = createWriteStream(join(dir, 'output.log'));
  const env = { ...process.env };
  // N runs would write N sets of annotations and step summaries; this job's own output is the table.
  delete env.GITHUB_ACTIONS;
  delete env.GITHUB_STEP_SUMMARY;
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'run', ...args, '--out', dir, '--reporter', 'json', '--exit-zero'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  current = child;
  let stderrTail = '';
  child.stdout.pipe(log, { end: false });
  child.stderr.on('data', (chunk: Buffer) => {
    log.write(chunk);
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4000);
  });
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((done) => {
    child.once('error', (error) => {
      stderrTail += `\n${error.message}`;
      done([null, null]);
    });
    child.once('close', (code, sig) => done([code, sig]));
  });
  current = undefined;
  await new Promise<void>((done) => log.end(done));
  const record: RunRecord = { index, out: `run-${index}`, exitCode, ...(signal ? { signal } : {}), durationMs: Math.round(performance.now() - started), interrupted: false, results: 0 };
  try {
    const report = readReport(dir);
    record.results = report.results.length;
    record.interrupted = report.interrupted === true;
    return { record, report, stderrTail };
  } catch (error) {
    record.error = error instanceof InputError ? error.problems.map(formatProblem).join('; ') : (error as Error).message;
    return { record, stderrTail };
  }
}

/** One line per run for stderr: what it gave, how long it took, and what the runs so far show. */
function runLine(record: RunRecord, total: number, report: Report | undefined, sofar: FlakeCount): string {
  const head = `flakes: run ${record.index}/${total}`;
  const took = `${(record.durationMs / 1000).toFixed(1)} s`;
  if (!report) return `${head}: no report (${stopping ? 'stopped before it wrote one' : `exit ${record.exitCode ?? record.signal}: ${record.error}`}) (${took})`;
  const counts = STATUSES.map((s) => [s, report.results.filter((r) => r.status === s).length] as const).filter(([, n]) => n > 0);
  const statuses = counts.map(([s, n]) => `${n} ${s}`).join(', ') || 'no results';
  return `${head}: ${statuses}${record.interrupted ? ' (interrupted)' : ''} in ${took}; so far ${flakeTotal(sofar)}`;
}

/** The table of flipping cells, most flips first, with the messages of the runs that were not the majority's. */
function renderCells(cells: FlakyCell[]): string {
  const rows = cells.map((c) => [String(c.flips), c.target, c.caseId, formatStatusCounts(c.statuses)]);
  const header = ['flips', 'target', 'case', 'statuses'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cols: string[]) => cols.map((c, i) => (i === 0 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(header)];
  cells.forEach((cell, i) => {
    out.push(line(rows[i].map((c) => plain(c))));
    for (const m of cell.messages.slice(0, MESSAGES_SHOWN)) out.push(`${' '.repeat(widths[0] + 2)}${m.status} (run ${m.runs.join(', ')}): ${plain(m.message, 160)}`);
    if (cell.messages.length > MESSAGES_SHOWN) out.push(`${' '.repeat(widths[0] + 2)}and ${cell.messages.length - MESSAGES_SHOWN} more messages (${FLAKES_FILE})`);
  });
  return `${out.join('\n')}\n`;
}

/** The whole summary for stdout. */
function renderSummary(count: FlakeCount): string {
  let text = '';
  if (count.flaky.length > 0) text += `${renderCells(count.flaky)}\n`;
  if (count.marked.length > 0) {
    text += `${markedTotal(count)}\n`;
    for (const mark of count.marked) text += `  ${mark.caseId}: ${plain(mark.reason, 120)} (${mark.flipped.length} of ${mark.cells} cells flipped)\n`;
    const flipped = count.marked.flatMap((m) => m.flipped);
    if (flipped.length > 0) text += `${renderCells(flipped)}`;
    text += '\n';
  }
  if (count.missing.length > 0) text += `${count.missing.length} cell(s) missing from some runs (interrupted), not counted as flips\n`;
  return `${text}${flakeTotal(count)}\n`;
}

async function main(argv: string[]): Promise<number> {
  let options: Options;
  try {
    options = program().parse(argv).opts<Options>();
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === 'commander.helpDisplayed' || code === 'commander.help' ? EXIT_OK : EXIT_USAGE;
  }
  const outDir = resolve(options.out);
  const args = runArgs(options);
  const startedAt = new Date().toISOString();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Should this process end while a run is in flight, the run stops as on Ctrl-C.
  process.once('exit', () => signalRun('SIGTERM'));
  mkdirSync(outDir, { recursive: true });
  process.stderr.write(`flakes: ${options.runs} run(s) of edgecompat run ${args.join(' ')} -> ${outDir}\n`);

  const records: RunRecord[] = [];
  const reports: Report[] = [];
  for (let index = 1; index <= options.runs && !stopping; index++) {
    process.stderr.write(`flakes: run ${index}/${options.runs} ...\n`);
    const { record, report, stderrTail } = await makeRun(index, outDir, args);
    records.push(record);
    if (record.exitCode === EXIT_USAGE) {
      // Bad case or target options: every run would say the same.
      process.stderr.write(stderrTail.endsWith('\n') ? stderrTail : `${stderrTail}\n`);
      return EXIT_USAGE;
    }
    if (report) reports.push(report);
    process.stderr.write(`${runLine(record, options.runs, report, countFlakes(reports))}\n`);
    if (!report && !stopping) process.stderr.write(`flakes: the end of its output (all of it in ${join(outDir, record.out, 'output.log')}):\n${stderrTail}\n`);
  }

  const count = countFlakes(reports);
  const flakes = {
    schemaVersion: 1,
    startedAt,
    endedAt: new Date().toISOString(),
    runsRequested: options.runs,
    interrupted: stopping,
    runArgs: args,
    runs: records,
    cells: {
      runs: count.runs,
      total: count.cells,
      flaky: count.flaky.length,
      missing: count.missing.length,
      markedCases: count.marked.length,
      markedFlipped: count.marked.reduce((n, m) => n + m.flipped.length, 0),
    },
    flaky: count.flaky,
    marked: count.marked,
    missing: count.missing,
  };
  writeFileSync(join(outDir, FLAKES_FILE), `${JSON.stringify(flakes, null, 2)}\n`);
  process.stdout.write(renderSummary(count));
  process.stderr.write(`flakes: wrote ${join(outDir, FLAKES_FILE)}\n`);
  if (stopping) return EXIT_INTERRUPTED;
  if (reports.length === 0) {
    process.stderr.write('flakes: no run wrote a report, so nothing was compared\n');
    return EXIT_INTERNAL;
  }
  return count.flaky.length > 0 ? EXIT_FAILED : EXIT_OK;
}

process.exitCode = await main(process.argv);

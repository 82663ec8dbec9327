/**
 * The benchmark (npm run bench): what a run of the default suites costs on the five process targets,
 * measured in one invocation and compared with the figures the project aims for (BENCH_TARGETS).
 * Nothing here is a test: the figures are printed, and written to bench.json in --out.
 *   1. one whole `edgecompat run` (the real CLI): wall time, cells per second, edgecompat's peak RSS,
 *      the CPU time of every process it started, and the longest inherent case delay (from its report);
 *      then the same run with --isolation fresh (a host per case), whose wall time over the first's is
 *      what verified isolation (warm hosts) saves (--no-fresh skips it);
 *   2. each target's cold start (`run --perf`'s measurement, median of --starts): the slowest one plus
 *      the longest case delay is the run's lower bound; the CPU its processes needed over the cores
 *      is a second floor, the one a run that starts a process per case cannot go below;
 *   3. harness overhead: the same route on the first target, requested --requests times by a raw
 *      undici loop and by edgecompat's own runCase + judge, in alternating blocks;
 *   4. --scale copies of the suites (synthetic cases with ids of their own) in one run, over 1x;
 *   5. the run cut into --shards shards, each run alone, as a share of the whole run;
 *   6. the HTML report of 300 cases x 10 targets: rendering it, and opening and filtering it in
 *      Chromium when it is installed (scripts/html-timing.ts).
 * Usage: npm run bench -- [--targets node,deno] [--area streaming] [--scale 10] [--shards 4] [--starts 3] [--requests 400] [--out dir]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { request } from 'undici';
import { list, positive } from '../cli/options.ts';
import { judge } from '../core/judge/judge.ts';
import { BENCH_TARGETS, judgeBench, longestInherentDelay } from '../core/perf/bench-figures.ts';
import { measureStarts, PERF_CASE } from '../core/perf/measure.ts';
import { writeSuiteCopies } from '../core/perf/suite-copies.ts';
import { childrenCpuMs } from '../runners/host/proc.ts';
import { readReport } from '../core/report/read-report.ts';
import { prepareRoute } from '../core/run/route-modules.ts';
import { runCase } from '../core/run/run-case.ts';
import { targetEnvironment } from '../runners/host/target-env.ts';
import { runnerSettings } from '../runners/size-limits.ts';
import { RUNNERS, TARGETS } from '../runners/registry.ts';
import { createClientAgent } from '../runners/client-agent.ts';
import { htmlTimes } from './html-timing.ts';
import { DEFAULT_SUITE } from '../core/cases/load-cases.ts';

const BIN = new URL('../cli/bin.mjs', import.meta.url).pathname;
const PRELOAD = new URL('./peak-rss.mjs', import.meta.url).pathname;
const PROCESS_TARGETS = ['node', 'edge-runtime', 'workerd', 'deno', 'bun'];

interface Options {
  targets?: string[];
  fresh: boolean;
  scale: number;
  shards: number;
  starts: number;
  requests: number;
  area?: string[];
  out?: string;
}

/** One `edgecompat run` as the benchmark saw it. */
interface RunFigures {
  wallMs: number;
  /** CPU (user + system) of every process the run started, edgecompat's own included. */
  cpuMs: number;
  /** edgecompat's own peak resident memory, MB. */
  peakRssMb: number;
  cells: number;
}

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Runs the real CLI with `args` into `dir`; its progress goes to dir/output.log. */
async function cliRun(dir: string, args: string[]): Promise<RunFigures> {
  mkdirSync(dir, { recursive: true });
  const usageFile = join(dir, 'usage.json');
  const cpuBefore = childrenCpuMs();
  const began = performance.now();
  const child = spawn(process.execPath, ['--import', PRELOAD, BIN, 'run', ...args, '--out', dir, '--reporter', 'json', '--exit-zero'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, EDGECOMPAT_BENCH_USAGE: usageFile },
  });
  const output: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
  const exitCode = await new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  const wallMs = performance.now() - began;
  writeFileSync(join(dir, 'output.log'), Buffer.concat(output));
  if (exitCode !== 0) throw new Error(`edgecompat run ${args.join(' ')} exited ${exitCode}; see ${join(dir, 'output.log')}`);
  const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { maxRssKb: number };
  const report = await readReport(join(dir, 'report.json'));
  return { wallMs, cpuMs: childrenCpuMs() - cpuBefore, peakRssMb: usage.maxRssKb / 1024, cells: report.results.length };
}

/** The median cold start of each target (ms), as `run --perf` measures it. */
async function coldStarts(targets: string[], starts: number, workDir: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const name of targets) {
    const target = TARGETS.find((t) => t.name === name)!;
    const dir = mkdtempSync(join(workDir, `${name}-`));
    const make = (d: string) => RUNNERS[target.runner](runnerSettings(target), { workDir: d, env: targetEnvironment(), log: () => {}, shared: new Map() });
    const perf = await measureStarts(make, dir, { starts, requests: 0, route: (bundling) => prepareRoute(PERF_CASE, bundling), log: () => {} });
    if (perf.coldStartMs === undefined) throw new Error(`${name}: no cold start measured (${perf.notes?.join('; ')})`);
    found.set(name, perf.coldStartMs);
  }
  return found;
}

/** Per-request time of a raw undici loop and of edgecompat's runCase + judge, on one started route. */
async function overhead(targetName: string, requests: number, workDir: string): Promise<{ rawMs: number; harnessMs: number }> {
  const target = TARGETS.find((t) => t.name === targetName)!;
  const runner = RUNNERS[target.runner](runnerSettings(target), { workDir, env: targetEnvironment(), log: () => {}, shared: new Map() });
  const agent = createClientAgent();
  try {
    const prepared = await prepareRoute(PERF_CASE, runner.bundling);
    await runner.prepare?.([prepared.module]);
    const loaded = await runner.start([prepared.module]);
    const base = loaded.urls.get(prepared.module.key)!;
    const raw = async () => {
      const response = await request(`${base}/`, { dispatcher: agent });
      await response.body.text();
    };
    const harness = async () => {
      const observation = await runCase(PERF_CASE, prepared.module.key, loaded, agent, new AbortController().signal);
      if (judge(PERF_CASE, observation).status !== 'PASS') throw new Error('the overhead route did not pass');
    };
    const time = async (one: () => Promise<void>, n: number) => {
      const began = performance.now();
      for (let i = 0; i < n; i++) await one();
      return performance.now() - began;
    };
    await time(raw, 50); // warm both paths (JIT, connection)
    await time(harness, 50);
    let rawMs = 0;
    let harnessMs = 0;
    const block = 50;
    for (let done = 0; done < requests; done += block) {
      rawMs += await time(raw, block);
      harnessMs += await time(harness, block);
    }
    const n = Math.ceil(requests / block) * block;
    return { rawMs: rawMs / n, harnessMs: harnessMs / n };
  } finally {
    await runner.stop();
    await agent.close();
  }
}

function program(): Command {
  return new Command('bench')
    .description('measure a run of the default suites on the process targets against the figures the project aims for')
    .option('--targets <names>', `comma-separated targets (default: ${PROCESS_TARGETS.join(',')})`, list)
    .option('--scale <n>', 'copies of the suites for the growth figure (1: skip it)', positive, 10)
    .option('--shards <n>', 'shards for the shard figure (1: skip it)', positive, 4)
    .option('--starts <n>', 'fresh starts per target for its cold start', positive, 3)
    .option('--requests <n>', 'requests per path for the overhead figure', positive, 400)
    .option('--area <area>', 'only these areas (comma-separated; default: every area, as npm start runs)', list)
    .option('--no-fresh', 'skip the run with --isolation fresh (the verified / fresh figure)')
    .option('--out <dir>', 'folder for bench.json and every run\'s report (default: a temporary folder, removed)')
    .showHelpAfterError();
}

async function main(): Promise<void> {
  const parsed = program().parse(process.argv.slice(2), { from: 'user' }).opts<Options>();
  const options = { ...parsed, targets: parsed.targets ?? PROCESS_TARGETS };
  const unknown = options.targets.filter((n) => !TARGETS.some((t) => t.name === n));
  if (unknown.length) {
    process.stderr.write(`bench: --targets: unknown target ${unknown.join(', ')}\n`);
    process.exit(2);
  }
  const out = options.out ? resolve(options.out) : mkdtempSync(join(tmpdir(), 'edgecompat-bench-'));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const targets = ['--targets', options.targets.join(','), ...(options.area ? ['--area', options.area.join(',')] : [])];
  const cores = availableParallelism();

  log(`1/6 a whole run of ${DEFAULT_SUITE} on ${options.targets.join(', ')}`);
  const whole = await cliRun(join(out, 'whole'), targets);
  const delay = longestInherentDelay(await readReport(join(out, 'whole', 'report.json')));
  log(`    ${seconds(whole.wallMs)}, ${whole.cells} cells`);
  let fresh: RunFigures | undefined;
  if (options.fresh) {
    log('1b  the same run with --isolation fresh (a host per case)');
    fresh = await cliRun(join(out, 'fresh'), [...targets, '--isolation', 'fresh']);
    log(`    ${seconds(fresh.wallMs)}`);
  }

  log(`2/6 cold starts (median of ${options.starts} each)`);
  const starts = await coldStarts(options.targets, options.starts, mkdtempSync(join(out, 'starts-')));
  const [slowest, slowestMs] = [...starts].sort((a, b) => b[1] - a[1])[0];
  const lowerBoundMs = slowestMs + (delay?.ms ?? 0);
  const cpuFloorMs = whole.cpuMs / cores;

  log(`3/6 harness overhead on ${options.targets[0]} (${options.requests} requests each way)`);
  const cost = await overhead(options.targets[0], options.requests, mkdtempSync(join(out, 'overhead-')));

  let scaled: RunFigures | undefined;
  if (options.scale > 1) {
    log(`4/6 ${options.scale}x the cases (synthetic copies of the suites)`);
    const copies = writeSuiteCopies([DEFAULT_SUITE], options.scale, join(out, 'copies'));
    scaled = await cliRun(join(out, `scale-${options.scale}`), [...targets, ...copies.flatMap((c) => ['--suite', c])]);
    log(`    ${seconds(scaled.wallMs)}, ${scaled.cells} cells`);
  }

  const shards: RunFigures[] = [];
  for (let i = 1; options.shards > 1 && i <= options.shards; i++) {
    log(`5/6 shard ${i}/${options.shards}`);
    shards.push(await cliRun(join(out, `shard-${i}`), [...targets, '--shard', `${i}/${options.shards}`]));
  }

  log('6/6 the HTML report of 300 cases x 10 targets');
  const html = await htmlTimes();

  const figures = {
    html,
    lowerBoundRatio: whole.wallMs / lowerBoundMs,
    overheadRatio: cost.harnessMs / cost.rawMs,
    peakRssMb: Math.max(whole.peakRssMb, scaled?.peakRssMb ?? 0),
    ...(scaled ? { scaleRatio: scaled.wallMs / whole.wallMs, scale: options.scale } : {}),
    shardShares: shards.map((s) => s.wallMs / whole.wallMs),
    ...(fresh ? { verifiedShare: whole.wallMs / fresh.wallMs } : {}),
  };
  const verdicts = judgeBench(figures);
  const lines = [
    `| figure | value |`,
    `|---|---|`,
    `| wall time, ${whole.cells} cells (${options.targets.length} targets) | ${seconds(whole.wallMs)} |`,
    `| cells (cases x targets) per second | ${(whole.cells / (whole.wallMs / 1000)).toFixed(1)} |`,
    `| slowest cold start (${slowest}) | ${slowestMs.toFixed(0)} ms |`,
    `| longest inherent case delay (${delay?.caseId ?? 'none'}, fastest on ${delay?.target ?? '-'}) | ${delay?.ms ?? 0} ms |`,
    `| lower bound (the two above) | ${seconds(lowerBoundMs)} |`,
    `| wall time / lower bound | ${figures.lowerBoundRatio.toFixed(1)}x |`,
    `| CPU of the run's processes (${cores} cores) | ${seconds(whole.cpuMs)}, a floor of ${seconds(cpuFloorMs)} |`,
    `| wall time / CPU floor | ${(whole.wallMs / cpuFloorMs).toFixed(2)}x |`,
    ...(fresh ? [`| the same run with --isolation fresh | ${seconds(fresh.wallMs)} (CPU ${seconds(fresh.cpuMs)}): verified isolation is ${(fresh.wallMs / whole.wallMs).toFixed(2)}x faster |`] : []),
    `| per request: raw undici / runCase + judge (${options.targets[0]}) | ${cost.rawMs.toFixed(3)} ms / ${cost.harnessMs.toFixed(3)} ms (${figures.overheadRatio.toFixed(2)}x) |`,
    `| edgecompat peak RSS | ${whole.peakRssMb.toFixed(0)} MB (1x)${scaled ? `, ${scaled.peakRssMb.toFixed(0)} MB (${options.scale}x)` : ''} |`,
    ...(scaled ? [`| ${options.scale}x the cases (${scaled.cells} cells) | ${seconds(scaled.wallMs)}, ${(scaled.wallMs / whole.wallMs).toFixed(2)}x the time |`] : []),
    ...shards.map((s, i) => `| shard ${i + 1}/${shards.length} (${s.cells} cells) | ${seconds(s.wallMs)}, ${((100 * s.wallMs) / whole.wallMs).toFixed(0)}% of the whole run |`),
    `| HTML report, ${html.cases} cases x ${html.targets} targets: render / open in Chromium / one text filter | ${html.renderMs.toFixed(0)} ms / ${html.loadMs?.toFixed(0) ?? '-'} ms / ${html.filterMs?.toFixed(1) ?? '-'} ms${html.loadMs === undefined ? ' (no Chromium)' : ''} |`,
    `| cold starts (median of ${options.starts}) | ${[...starts].map(([n, ms]) => `${n} ${ms.toFixed(0)} ms`).join(', ')} |`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\nAgainst the targets (${cores} cores, Node ${process.versions.node}):\n`);
  for (const v of verdicts) process.stdout.write(`  ${v.within ? 'within' : 'OVER  '} ${v.figure}: ${v.value.toFixed(2)} (target <= ${v.bound})\n`);
  writeFileSync(join(out, 'bench.json'), `${JSON.stringify({ cores, node: process.versions.node, targets: options.targets, whole, fresh, delay, starts: Object.fromEntries(starts), lowerBoundMs, cpuFloorMs, overhead: cost, scaled, shards, figures, verdicts, aims: BENCH_TARGETS }, null, 2)}\n`);
  if (!options.out) rmSync(out, { recursive: true, force: true });
  else process.stdout.write(`\nbench.json and the runs' reports are in ${out}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(1);
});

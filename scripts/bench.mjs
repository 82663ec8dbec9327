#!/usr/bin/env zx
// The benchmark (npm run bench): what a run costs per target, measured, not asserted.
//   1. start(): time from start() to every route served, for 1 and for 50 routes (median of 5);
//   2. a whole `edgecompat run` of suites/ on each target (wall time, via the CLI).
// Usage: npm run bench [-- --targets node,deno --repeat 5]
import 'zx/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { register } from 'tsx/esm/api';

register();
const { RUNNERS, TARGETS } = await import('../runners/registry.ts');

const repeat = Number(argv.repeat ?? 5);
const names = argv.targets ? String(argv.targets).split(',') : TARGETS.filter((t) => t.name === t.runner && t.runner !== 'nextjs').map((t) => t.name);
const route = (i) => ({ caseId: `bench/${i}`, key: `bench-${i}`, source: `export default () => new Response('${i}')` });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function startTimes(target, count) {
  const times = [];
  for (let i = 0; i < repeat; i++) {
    const workDir = mkdtempSync(join(tmpdir(), 'edgecompat-bench-'));
    const runner = RUNNERS[target.runner](target.settings, { workDir, env: process.env, log: () => {} });
    if (await runner.unavailable()) return undefined;
    const t0 = performance.now();
    await runner.start(Array.from({ length: count }, (_, j) => route(j)));
    times.push(performance.now() - t0);
    await runner.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  return median(times);
}

const rows = [];
for (const name of names) {
  const target = TARGETS.find((t) => t.name === name);
  if (!target) throw new Error(`unknown target ${name}`);
  // 1. Start-up, small and large.
  const one = await startTimes(target, 1);
  const fifty = await startTimes(target, 50);
  // 2. A whole run of the published suites, through the CLI.
  const out = mkdtempSync(join(tmpdir(), 'edgecompat-bench-run-'));
  const t0 = performance.now();
  await $`node core/cli/bin.mjs run --targets ${name} --out ${out} --reporter json --exit-zero`.quiet();
  const run = performance.now() - t0;
  rmSync(out, { recursive: true, force: true });
  rows.push({ target: name, start1: one, start50: fifty, run });
  echo(`${name}: start 1 route ${one?.toFixed(0)} ms, 50 routes ${fifty?.toFixed(0)} ms, whole suite ${run.toFixed(0)} ms`);
}

echo('\n| target | start(), 1 route (ms) | start(), 50 routes (ms) | `run` of suites/ (ms) |\n|---|---|---|---|');
for (const r of rows) echo(`| ${r.target} | ${r.start1?.toFixed(0) ?? 'n/a'} | ${r.start50?.toFixed(0) ?? 'n/a'} | ${r.run.toFixed(0)} |`);
echo(`\n${os.cpus().length} cores, Node ${process.versions.node}, median of ${repeat} starts.`);

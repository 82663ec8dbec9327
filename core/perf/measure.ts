/**
 * `run --perf`: figures beside the matrix, not verdicts. For one column, N fresh starts of the target
 * with one route (a new runner each time): the cold start is the time from asking the runner to start
 * to the end of the route's first response (median of N); the time to first byte is the median, over
 * sequential requests to the started route, from sending a request to its first body byte; memory is
 * the resident size of the target's processes after the first response (median of N). Memory after
 * the suite is read by the engine as each batch of the matrix finishes (see columnMemory).
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import type { Case } from '../types.ts';
import type { Bundling, LoadFailure, RouteModule, Runner } from '../../runners/types.ts';
import type { TargetPerf } from '../report/report-types.ts';
import { memoryOfUrl } from './process-memory.ts';

/** How many fresh starts and warm requests `run --perf` makes per column by default. */
export const PERF_DEFAULTS = { starts: 5, requests: 20 } as const;

/** The route every start serves: the smallest a runtime can answer. */
export const PERF_CASE: Case = {
  id: 'perf/cold-start/hello',
  title: 'The smallest route: cold start, time to first byte and memory',
  area: 'perf',
  feature: 'cold-start',
  tags: [],
  source: 'https://nextjs.org/docs/pages/building-your-application/routing/api-routes#edge-api-routes',
  file: '(edgecompat run --perf)',
  resolveDir: process.cwd(),
  timeoutMs: 30_000,
  route: "export default () => new Response('hello', { headers: { 'content-type': 'text/plain' } });\n",
  routeLang: 'js',
  steps: [{ request: { method: 'GET', path: '/' }, expect: { status: 200 }, startAfter: 'previous-done' }],
};

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Sends one GET and returns ms to its first body byte (the whole body is read). */
async function timeToFirstByte(url: string, agent: Agent): Promise<number> {
  const began = performance.now();
  const response = await request(url, { dispatcher: agent });
  let first: number | undefined;
  for await (const _chunk of response.body) first ??= performance.now();
  return (first ?? performance.now()) - began;
}

/** What measureStarts is told besides the column's runners. */
export interface MeasureOptions {
  starts: number;
  requests: number;
  /** PERF_CASE's route, bundled as the column bundles routes (or refused by that build). */
  route(bundling: Bundling | undefined): Promise<{ module: RouteModule; failure?: LoadFailure }>;
  log(message: string): void;
}

/**
 * Measures one column: `makeRunner(dir)` gives a fresh runner of the column in a folder of its own.
 * Nothing here judges: a start that fails is a note, and the figures of the others stand.
 */
export async function measureStarts(makeRunner: (dir: string) => Runner, workDir: string, options: MeasureOptions): Promise<TargetPerf> {
  const notes: string[] = [];
  const cold: number[] = [];
  const ttfb: number[] = [];
  const rss: number[] = [];
  const agent = new Agent({ pipelining: 0, connections: 1, keepAliveTimeout: 1000 });
  // Bundled once: every runner of a column bundles alike.
  let prepared: { module: RouteModule; failure?: LoadFailure } | undefined;
  try {
    for (let n = 0; n < options.starts; n++) {
      const runner = makeRunner(mkdtempSync(join(workDir, `perf-${n}-`)));
      try {
        prepared ??= await options.route(runner.bundling);
        if (prepared.failure) throw new Error(`the route was refused: ${prepared.failure.message}`);
        await runner.prepare?.([prepared.module]);
        const began = performance.now();
        const loaded = await runner.start([prepared.module]);
        const base = loaded.urls.get(prepared.module.key);
        if (!base) throw new Error(loaded.failures.get(prepared.module.key)?.message ?? 'the route was not served');
        const first = await request(`${base}/`, { dispatcher: agent });
        await first.body.text();
        cold.push(round(performance.now() - began));
        const memory = memoryOfUrl(base);
        if ('bytes' in memory) rss.push(memory.bytes);
        else if (n === 0) notes.push(`memory: ${memory.unavailable}`);
        if (n === 0) for (let i = 0; i < options.requests; i++) ttfb.push(round(await timeToFirstByte(`${base}/`, agent)));
      } catch (error) {
        notes.push(`start ${n + 1}: ${(error as Error).message.split('\n')[0]}`);
      } finally {
        await runner.stop();
      }
    }
  } finally {
    await agent.close();
  }
  options.log(`perf: cold start ${cold.join(', ')} ms`);
  return {
    starts: options.starts,
    ...(cold.length ? { coldStartMs: median(cold) } : {}),
    coldStartRunsMs: cold,
    ...(ttfb.length ? { ttfbMs: median(ttfb) } : {}),
    ttfbRequests: ttfb.length,
    ...(rss.length ? { rssAfterStartBytes: median(rss) } : {}),
    ...(notes.length ? { notes } : {}),
  };
}

/** Collects the memory readings the engine takes as each batch of a column finishes. */
export class ColumnMemory {
  private readonly readings: number[] = [];
  private unavailable?: string;

  /** Reads the target serving `url` now (its batch has run its cases). */
  read(url: string | undefined): void {
    if (!url) return;
    const memory = memoryOfUrl(url);
    if ('bytes' in memory) this.readings.push(memory.bytes);
    else this.unavailable ??= memory.unavailable;
  }

  /** The figures for the target info. */
  figures(): Pick<TargetPerf, 'rssAfterSuiteBytes' | 'rssAfterSuiteReadings' | 'notes'> {
    if (this.readings.length === 0) return this.unavailable ? { notes: [`memory after the suite: ${this.unavailable}`] } : {};
    return { rssAfterSuiteBytes: Math.max(...this.readings), rssAfterSuiteReadings: this.readings.length };
  }
}

/**
 * The figures `npm run bench` derives from what it measured: pure functions of reports and timings,
 * so that what the benchmark prints can be checked without timing anything.
 */
import type { Report } from '../report/report-types.ts';

/** What the benchmark aims for on a 2-core machine (each figure's bound, and which way is good). */
export const BENCH_TARGETS = {
  /** Wall time of the whole run over its lower bound. */
  lowerBoundRatio: 2,
  /** Harness time per request over a raw undici loop's, on the same target server. */
  overheadRatio: 1.3,
  /** edgecompat's own peak resident memory, MB. */
  peakRssMb: 250,
  /** Time for the synthetic copies (10x the cases) over the time for 1x. */
  scaleRatio: 3,
  /** Each of 4 shards' wall time as a share of one whole run's (for n shards: 1/n + 0.1). */
  shardShare: 0.35,
  /** The whole run's wall time with verified isolation (warm hosts) over --isolation fresh's: at least 5x faster. */
  verifiedShare: 0.2,
  /** Rendering the HTML report of 300 cases x 10 targets, ms. */
  htmlRenderMs: 1000,
  /** Opening that report in Chromium until its filters are ready, ms. */
  htmlLoadMs: 5000,
  /** One text filter over its rows in Chromium, ms. */
  htmlFilterMs: 200,
} as const;

/** The case whose run is the longest any case has to take, and how long that is. */
export interface InherentDelay {
  caseId: string;
  /** The fastest any of the run's targets ran the case in, ms. */
  ms: number;
  /** The target that ran it that fast. */
  target: string;
}

/**
 * The longest inherent case delay of a run: for each case, the shortest time any target took to run
 * it (what the case's own waits cost, wherever it ran fastest), and the largest of those. Cells that
 * did not run a request (SKIP, a route the platform or the build refused, durationMs 0) are left out.
 */
export function longestInherentDelay(report: Pick<Report, 'results'>): InherentDelay | undefined {
  const fastest = new Map<string, InherentDelay>();
  for (const result of report.results) {
    if (result.status === 'SKIP' || result.durationMs <= 0) continue;
    const seen = fastest.get(result.caseId);
    if (!seen || result.durationMs < seen.ms) fastest.set(result.caseId, { caseId: result.caseId, ms: result.durationMs, target: result.target });
  }
  let longest: InherentDelay | undefined;
  for (const delay of fastest.values()) if (!longest || delay.ms > longest.ms) longest = delay;
  return longest;
}

/** One figure against its target: the measured value, the bound, and whether it is within it. */
export interface Verdict {
  figure: string;
  value: number;
  bound: number;
  within: boolean;
}

/** The measured figures the benchmark compares with BENCH_TARGETS. */
export interface BenchFigures {
  lowerBoundRatio: number;
  overheadRatio: number;
  peakRssMb: number;
  /** Wall time of `scale` copies of the cases over 1x; undefined when no copies were run (--scale 1). */
  scaleRatio?: number;
  scale?: number;
  /** Each shard's wall time over the whole run's. */
  shardShares: number[];
  /** The whole run's wall time (verified isolation) over the same run's with --isolation fresh; undefined when not run. */
  verifiedShare?: number;
  /** The HTML report's timings, ms (scripts/html-timing.ts); the browser's undefined without Chromium. */
  html?: { renderMs: number; loadMs?: number; filterMs?: number };
}

/** Each figure against its target (all at or below their bound is good). */
export function judgeBench(figures: BenchFigures): Verdict[] {
  const verdict = (figure: string, value: number, bound: number): Verdict => ({ figure, value, bound, within: value <= bound });
  const verdicts = [
    verdict('wall time / lower bound', figures.lowerBoundRatio, BENCH_TARGETS.lowerBoundRatio),
    verdict('harness / raw undici, per request', figures.overheadRatio, BENCH_TARGETS.overheadRatio),
    verdict('edgecompat peak RSS (MB)', figures.peakRssMb, BENCH_TARGETS.peakRssMb),
  ];
  if (figures.verifiedShare !== undefined) verdicts.push(verdict('verified / fresh isolation, wall time', figures.verifiedShare, BENCH_TARGETS.verifiedShare));
  if (figures.html) {
    verdicts.push(verdict('HTML report, render (ms)', figures.html.renderMs, BENCH_TARGETS.htmlRenderMs));
    if (figures.html.loadMs !== undefined) verdicts.push(verdict('HTML report, open in Chromium (ms)', figures.html.loadMs, BENCH_TARGETS.htmlLoadMs));
    if (figures.html.filterMs !== undefined) verdicts.push(verdict('HTML report, one text filter (ms)', figures.html.filterMs, BENCH_TARGETS.htmlFilterMs));
  }
  if (figures.scaleRatio !== undefined) verdicts.push(verdict(`${figures.scale ?? '?'}x cases / 1x, wall time`, figures.scaleRatio, BENCH_TARGETS.scaleRatio));
  const n = figures.shardShares.length;
  const shardBound = n === 4 ? BENCH_TARGETS.shardShare : Math.round((1 / n + 0.1) * 100) / 100;
  figures.shardShares.forEach((share, i) => verdicts.push(verdict(`shard ${i + 1}/${n} / whole run`, share, shardBound)));
  return verdicts;
}

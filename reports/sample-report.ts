/**
 * Synthetic reports for the renderers' tests and for eyeballing the HTML: n cases x m targets with
 * mixed statuses, chunk timelines, errors, known failures, and (on request) hostile strings in every
 * place a case or a runtime can put text. Deterministic: the same options give the same report.
 */
import { REPORT_SCHEMA_VERSION, type CaseEntry, type Report, type Result, type TargetRun } from '../core/report/report-types.ts';
import type { Observation, Status, StepObservation } from '../core/types.ts';

/** Strings that would run script, break markup or break XML if a renderer forgot to escape them. */
export const HOSTILE = {
  title: '<img src=x onerror="window.__pwned=1;alert(1)"> title',
  body: '</script><script>window.__pwned=1;alert(1)</script><!-- body',
  header: '"><svg onload="window.__pwned=1"> header',
  error: '<script>window.__pwned=1</script> error & </textarea>',
  target: '<img src=x onerror="window.__pwned=1">target',
  route: "export default () => new Response('</script><script>window.__pwned=1</script>')",
  source: 'javascript:window.__pwned=1',
  feature: '<b>feat</b>|pipe',
  control: 'bell\u0007 nul\u0000 esc\u001b[31mred\u001b[0m bad\uFFFE lone\uD800 end',
} as const;

/** Options of {@link buildSampleReport}. */
export interface SampleOptions {
  cases?: number;
  targets?: number;
  /** Put {@link HOSTILE} strings into titles, bodies, headers, errors, a target name, a route. */
  hostile?: boolean;
  /** Mark the last target as a skipped column (runtime not installed). */
  skippedTarget?: boolean;
  seed?: number;
}

const AREAS: Record<string, string[]> = {
  streaming: ['readable-stream', 'transform-stream', 'sse'],
  caching: ['cache-control', 'etag', 'vary'],
  'forbidden-apis': ['eval', 'new-function', 'node-builtins'],
  'size-limits': ['bundle-size', 'response-size'],
  'web-apis': ['fetch', 'url', 'crypto', 'encoding', 'abort'],
  'request-response': ['headers', 'body', 'status'],
  errors: ['throw', 'reject'],
};
const RUNTIMES = ['node', 'edge-runtime', 'workerd', 'workerd', 'deno', 'bun', 'nextjs', 'http', 'netlify', 'vendor'];
/** In a hostile report, the first target gets these statuses on cases 1-3 (so every error path is drawn). */
const FORCED: Record<number, Status> = { 1: 'FAIL', 2: 'ERROR', 3: 'CRASH' };
const NOT_PASS: Status[] = ['FAIL', 'FAIL', 'FAIL', 'TIMEOUT', 'CRASH', 'ERROR', 'SKIP'];

/** A small seeded PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function target(i: number, opts: SampleOptions): TargetRun {
  const runtime = RUNTIMES[i % RUNTIMES.length];
  const compat = runtime === 'workerd' && i % RUNTIMES.length === 3;
  let name = compat ? 'workerd+nodejs_compat' : runtime;
  if (i >= RUNTIMES.length) name += `-${Math.floor(i / RUNTIMES.length) + 1}`;
  if (opts.hostile && i === 1) name = HOSTILE.target;
  const skipped = opts.skippedTarget && i === (opts.targets ?? 10) - 1;
  return {
    name,
    runtime,
    version: skipped ? 'unknown' : `${1 + (i % 3)}.${i}.${(i * 7) % 10}`,
    settings: compat ? { compatibilityDate: '2025-09-01', nodejs_compat: true } : opts.hostile && i === 1 ? { note: HOSTILE.header } : {},
    flags: compat ? ['nodejs_compat'] : [],
    os: 'linux',
    arch: 'x64',
    nodeVersion: 'v20.19.0',
    edgecompatVersion: '0.1.0',
    startedAt: '2025-11-20T10:00:00.000Z',
    endedAt: `2025-11-20T10:00:${String(10 + i).padStart(2, '0')}.000Z`,
    ...(skipped ? { skipped: `${runtime} is not installed` } : {}),
  };
}

function caseEntry(i: number, opts: SampleOptions): CaseEntry {
  const areas = Object.keys(AREAS);
  const area = areas[i % areas.length];
  const features = AREAS[area];
  let feature = features[Math.floor(i / areas.length) % features.length];
  const hostile = opts.hostile && i % 5 === 0;
  if (opts.hostile && i === 0) feature = HOSTILE.feature;
  const id = `${area}/${feature}/case-${String(i).padStart(3, '0')}`;
  return {
    id,
    title: hostile ? HOSTILE.title : `Case ${i} checks that ${feature} behaves as specified`,
    area,
    feature,
    tags: i % 4 === 0 ? ['slow'] : [],
    source: hostile && i % 10 === 0 ? HOSTILE.source : `https://developer.mozilla.org/docs/Web/API/${feature}#case-${i}`,
    file: `suites/${area}/${feature}.yaml`,
    route: hostile ? HOSTILE.route : `export default () => new Response('ok ${i}', { headers: { 'x-case': '${i}' } })`,
    steps: [{ request: { method: 'GET', path: `/case/${i}` }, expect: { status: 200, body: { equals: `ok ${i}` } }, startAfter: 'previous-done' }],
  };
}

function observe(status: Status, i: number, t: number, opts: SampleOptions): Observation {
  const hostile = opts.hostile && (i + t) % 3 === 0;
  const chunks = Array.from({ length: 1 + ((i + t) % 5) }, (_, k) => ({ atMs: 3 + k * 37 + t, bytes: 16 + k * 8 }));
  // Some cases carry one name on two field lines, as a route that sets two cookies does.
  const cookies: Array<[string, string]> = i % 7 === 0 ? [['set-cookie', 'a=1; Path=/'], ['set-cookie', `b=${i}; Path=/`]] : [];
  const step: StepObservation = {
    status: status === 'FAIL' ? 500 : 200,
    headerFields: [['Content-Type', 'text/plain'], ['x-case', hostile ? HOSTILE.header : String(i)], ...cookies],
    bodyExcerpt: hostile ? HOSTILE.body : status === 'FAIL' ? `no ${i}` : `ok ${i}`,
    bodyLength: 6,
    headersAtMs: 2 + t,
    chunks,
  };
  switch (status) {
    case 'PASS': case 'FAIL': return { steps: [step] };
    case 'TIMEOUT': return { steps: [{ headersAtMs: 4, chunks: chunks.slice(0, 1), timedOut: true }] };
    case 'CRASH': return { crashed: { exitCode: null, signal: 'SIGSEGV', stderrTail: opts.hostile ? HOSTILE.error : 'Segmentation fault' }, steps: [] };
    case 'ERROR': return { loadError: { name: 'SyntaxError', message: opts.hostile ? HOSTILE.error : 'Unexpected token', phase: 'load' }, steps: [] };
    case 'SKIP': return { skipped: 'not applicable on this target', steps: [] };
  }
}

function message(status: Status, i: number, hostile: boolean): string {
  const tail = hostile ? ` ${HOSTILE.error} ${HOSTILE.control}` : '';
  switch (status) {
    case 'PASS': return '';
    case 'FAIL': return `step 1: expected status 200, saw 500; expected body "ok ${i}", saw "no ${i}"${tail}`;
    case 'TIMEOUT': return `timed out after 5000 ms waiting for the body (1 chunk seen)${tail}`;
    case 'CRASH': return `the target died (SIGSEGV) while the case ran${tail}`;
    case 'ERROR': return `the route failed to load: SyntaxError: Unexpected token${tail}`;
    case 'SKIP': return 'not applicable on this target';
  }
}

/** Build a synthetic report: by default 300 cases x 10 targets. */
export function buildSampleReport(opts: SampleOptions = {}): Report {
  const n = opts.cases ?? 300;
  const m = opts.targets ?? 10;
  const rand = rng(opts.seed ?? 42);
  const targets = Array.from({ length: m }, (_, t) => target(t, { ...opts, targets: m }));
  const cases = Array.from({ length: n }, (_, i) => caseEntry(i, opts));
  const results: Result[] = [];
  cases.forEach((c, i) => {
    const unanimous = rand() < 0.55;
    targets.forEach((tr, t) => {
      const quality = 0.97 - t * 0.04;
      let status: Status = tr.skipped ? 'SKIP' : unanimous || rand() < quality ? 'PASS' : NOT_PASS[Math.floor(rand() * NOT_PASS.length)];
      const known = !tr.skipped && status !== 'PASS' && (status === 'SKIP' || rand() < 0.4);
      const expected: Status = tr.skipped ? 'SKIP' : known ? status : rand() < 0.005 ? 'FAIL' : 'PASS';
      const forced = opts.hostile && t === 0 ? FORCED[i] : undefined;
      if (forced) status = forced;
      results.push({
        caseId: c.id,
        target: tr.name,
        status,
        expected: forced ? 'PASS' : expected,
        message: tr.skipped ? tr.skipped : message(status, i, !!opts.hostile && (i + t) % 4 === 1),
        durationMs: Math.round(rand() * 400 * 10) / 10,
        observation: tr.skipped ? { skipped: tr.skipped, steps: [] } : observe(status, i, t, opts),
      });
    });
  });
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    edgecompatVersion: '0.1.0',
    caseSetHash: '0123456789abcdef',
    startedAt: '2025-11-20T10:00:00.000Z',
    endedAt: '2025-11-20T10:00:30.000Z',
    targets,
    cases,
    results,
  };
}

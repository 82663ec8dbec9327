/**
 * A warning of `next build` is not a refusal: through the real runner, with each bundler, a route
 * that Next only warns about is built and served with its warning in `loaded.warnings` (and in the
 * build record, so a reused build reports it too), while a route using eval, which Next refuses, is
 * a 'build' failure. Pages router, one cold build per bundler (a per-run nonce makes the hash new).
 *
 * Turbopack warns about a static `node:fs` import (and the route then fails when it is loaded, at
 * request time: 500); webpack refuses that import, but warns about `process.cwd` (which the route
 * then reads: 200). Both are what next 16.4.6 does with the app rebuilt alone.
 */
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextjsRunner, type NextjsRunner } from '../runners/nextjs/runner.ts';
import type { Loaded, RouteModule } from '../runners/types.ts';

const NONCE = `${Date.now()}-${process.pid}`;
const log = (message: string) => console.log(`[nextjs-build-diagnostics.test] ${message}`);
const ctx = { workDir: tmpdir(), env: process.env, log };
const missing = await nextjsRunner({}, ctx).unavailable();

const CASES = [
  {
    bundler: 'turbopack',
    warns: `// test run ${NONCE}\nimport fs from 'node:fs';\nexport default () => new Response(typeof fs.readFileSync)`,
    warning: /^routes\/warns\.js:2:1\nWarning: A Node\.js module is loaded \('node:fs' at line 2\) which is not supported in the Edge Runtime\./,
    answer: { status: 500 },
  },
  {
    bundler: 'webpack',
    warns: `// test run ${NONCE}\nexport default () => new Response(typeof process.cwd)`,
    warning: /^routes\/warns\.js\nA Node\.js API is used \(process\.cwd at line: 2\) which is not supported in the Edge Runtime\./,
    answer: { status: 200, body: 'function' },
  },
];

describe.skipIf(missing !== undefined).each(CASES)('nextjs runner, pages router, $bundler: warnings and refusals', ({ bundler, warns, warning, answer }) => {
  const routes: RouteModule[] = [
    { caseId: 'test/warns', key: 'warns', source: warns },
    { caseId: 'test/evil', key: 'evil', source: "export default () => new Response(String(eval('1+1')))" },
  ];
  let runner: NextjsRunner;
  let loaded: Loaded;

  beforeAll(async () => {
    runner = nextjsRunner({ router: 'pages', bundler }, ctx) as NextjsRunner;
    loaded = await runner.start(routes);
  }, 180_000);

  afterAll(async () => {
    await runner?.stop();
  });

  it('serves the route Next only warned about, with the warning, and refuses the eval route at build', async () => {
    expect(runner.lastBuild()?.reused).toBe(false);
    expect([...loaded.urls.keys()]).toEqual(['warns']);
    const response = await fetch(loaded.urls.get('warns')!);
    const body = await response.text();
    log(`${bundler}: the warned-about route answered ${response.status} ${body.slice(0, 80)}`);
    expect(response.status).toBe(answer.status);
    if (answer.body) expect(body).toBe(answer.body);
    expect(loaded.warnings?.get('warns')).toHaveLength(1);
    expect(loaded.warnings?.get('warns')?.[0]).toMatch(warning);
    expect(loaded.warnings?.has('evil')).toBe(false);
    expect(loaded.failures.has('warns')).toBe(false);
    const failure = loaded.failures.get('evil');
    expect(failure?.phase).toBe('build');
    expect(failure?.message).toMatch(/Dynamic Code Evaluation/);
  });

  it('keeps the warnings in the build record: a reused build reports them too', async () => {
    expect(runner.lastBuild()?.record.warnings).toEqual({ warns: loaded.warnings?.get('warns') });
    await runner.stop();
    const again = await runner.start(routes);
    expect(runner.lastBuild()?.reused).toBe(true);
    expect(again.warnings).toEqual(loaded.warnings);
    expect(again.failures.get('evil')?.phase).toBe('build');
  }, 60_000);
});

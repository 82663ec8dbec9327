#!/usr/bin/env -S npx tsx
/**
 * Runs the HTTP caching test suite behind cache-tests.fyi (npm `http-cache-tests`) against the
 * caching proxy of each platform profile, and prints, per profile, how many of its tests pass by kind
 * (required, optimal, check), with the required tests that do not pass. docs/caching.md records the
 * figures; this reproduces them:  npm run cache-tests [-- --json out.json] [-- --profile vercel]
 *
 * The suite's origin server and its client run in this process: the server's request handlers on a
 * server of our own on 127.0.0.1 (its own server listens on every address, on a fixed port), the
 * client with Node's fetch. The package is fetched once with `npm pack` into node_modules/.cache (it
 * is not a dependency: its package.json pulls in npm 6, which only its own command line uses).
 * A profile whose cache is not in front of edge routes (Cloudflare's) is measured as the cache it is
 * in front of an origin. The run named rfc9111 is the proxy with no platform's rules: the library alone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { cacheProfileNames, loadCacheProfile, type CacheProfile } from '../profiles/profiles.ts';
import { CachingProxy } from '../runners/platform-cache/proxy.ts';

/** The pinned version of the suite. */
const VERSION = '0.4.5';
/** The name of the run with no platform's rules: http-cache-semantics alone, as RFC 9111 has it. */
const BASELINE = 'rfc9111';

/** The proxy with no platform's rules on top of the library: what the library does by itself. */
function baseline(): CacheProfile {
  const rfc = (value: unknown) => ({ value, source: 'https://www.rfc-editor.org/rfc/rfc9111' });
  return {
    inFrontOfRoutes: rfc(true),
    precedence: rfc(['cache-control']),
    methods: rfc(['GET', 'HEAD']),
    staleWhileRevalidate: rfc(true),
    queryInKey: rfc(true),
    status: rfc({ header: 'x-cache', hit: 'HIT', miss: 'MISS', bypass: 'BYPASS' }),
  } as CacheProfile;
}

interface SuiteTest {
  id: string;
  name: string;
  kind?: 'required' | 'optimal' | 'check';
  depends_on?: string[];
  browser_only?: boolean;
}
interface Suite {
  name: string;
  tests: SuiteTest[];
}
type Result = true | [string, string] | undefined;

/** Unpacks the suite once into node_modules/.cache and returns its folder. */
function suiteFolder(): string {
  const cache = join(process.cwd(), 'node_modules', '.cache', 'edgecompat');
  const folder = join(cache, `http-cache-tests-${VERSION}`);
  if (existsSync(join(folder, 'package.json'))) return folder;
  mkdirSync(folder, { recursive: true });
  const tarball = execFileSync('npm', ['pack', `http-cache-tests@${VERSION}`, '--silent', '--pack-destination', cache], { encoding: 'utf8' }).trim().split('\n').pop()!;
  execFileSync('tar', ['xzf', join(cache, tarball), '-C', folder, '--strip-components=1']);
  return folder;
}

const folder = suiteFolder();
const load = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(folder, path)).href)) as T;

/**
 * One profile's run: the suite's results by test id. The suite keeps its state in its modules, so
 * each profile runs in a process of its own (see the end of this file).
 */
async function runProfile(name: string): Promise<Record<string, Result>> {
  const handler = async (path: string) => (await load<{ default: (segs: string[], req: unknown, res: unknown) => void }>(path)).default;
  const handlers = { config: await handler('server/handle-config.mjs'), test: await handler('server/handle-test.mjs'), state: await handler('server/handle-state.mjs') };
  const origin = createServer((req, res) => {
    const segs = new URL(req.url ?? '/', 'http://origin.invalid').pathname.split('/').slice(1);
    const dispatch = handlers[segs.shift() as keyof typeof handlers];
    if (dispatch) dispatch(segs, req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  const measured = name === BASELINE ? baseline() : loadCacheProfile(name);
  const cache = { ...measured, inFrontOfRoutes: { ...measured.inFrontOfRoutes, value: true } };
  const proxy = await CachingProxy.start(cache, `http://127.0.0.1:${(origin.address() as AddressInfo).port}`);
  try {
    const runner = await load<{ runTests(t: Suite[], f: typeof fetch, browser: boolean, base: string): Promise<void>; getResults(): Record<string, Result> }>('client/runner.mjs');
    const suites = await allSuites();
    // The browser's fetch options mean nothing to Node's fetch; the suite sets them for browsers.
    const nodeFetch = (url: string, init: RequestInit & { mode?: string; credentials?: string } = {}) => {
      const { cache: _c, mode: _m, credentials: _cr, ...rest } = init;
      return fetch(url, rest);
    };
    await runner.runTests(suites, nodeFetch as typeof fetch, false, proxy.url);
    return runner.getResults();
  } finally {
    await proxy.stop();
    origin.closeAllConnections();
    await new Promise<void>((resolve) => origin.close(() => resolve()));
  }
}

async function allSuites(): Promise<Suite[]> {
  const index = await load<{ default: Suite[] }>('tests/index.mjs');
  const surrogate = await load<{ default: Suite }>('tests/surrogate-control.mjs');
  return [...index.default, surrogate.default];
}

/** The suite's own reading of a result (lib/display.mjs, which needs a browser): pass, fail, or neither. */
function outcome(test: SuiteTest, results: Record<string, Result>, byId: Map<string, SuiteTest>): 'pass' | 'fail' | 'setup' | 'dependency' | 'untested' {
  const result = results[test.id];
  if (result === undefined) return 'untested';
  for (const dep of test.depends_on ?? []) {
    if (outcome(byId.get(dep)!, results, byId) !== 'pass') return 'dependency';
  }
  if (Array.isArray(result) && result[0] === 'Setup') return 'setup';
  return result === true ? 'pass' : 'fail';
}

/** Per kind: how many tests ran, passed, failed, and how many could not be judged (setup or dependency). */
async function summarise(results: Record<string, Result>) {
  const tests = (await allSuites()).flatMap((s) => s.tests).filter((t) => !t.browser_only);
  const byId = new Map(tests.map((t) => [t.id, t]));
  const kinds: Record<string, { tests: number; pass: number; fail: number; notJudged: number }> = {};
  const failedRequired: string[] = [];
  for (const test of tests) {
    const kind = test.kind ?? 'required';
    const k = (kinds[kind] ??= { tests: 0, pass: 0, fail: 0, notJudged: 0 });
    const o = outcome(test, results, byId);
    k.tests++;
    if (o === 'pass') k.pass++;
    else if (o === 'fail') k.fail++;
    else k.notJudged++;
    if (kind === 'required' && o !== 'pass') failedRequired.push(`${test.id} (${o}): ${test.name}`);
  }
  return { kinds, failedRequired };
}

const { values } = parseArgs({ options: { profile: { type: 'string', multiple: true }, json: { type: 'string' }, 'results-of': { type: 'string' } } });
if (values['results-of']) {
  // A child run: one profile, its raw results to the file named by --json.
  writeFileSync(values.json!, JSON.stringify(await runProfile(values['results-of'])));
  process.exit(0);
}
const names = values.profile ?? [BASELINE, ...cacheProfileNames()];
const out: Record<string, unknown> = { suite: `http-cache-tests@${VERSION}` };
const scratch = mkdtempSync(join(tmpdir(), 'edgecompat-cache-tests-'));
for (const name of names) {
  const file = join(scratch, `${name}.json`);
  execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--results-of', name, '--json', file], { stdio: 'inherit' });
  const summary = await summarise(JSON.parse(readFileSync(file, 'utf8')) as Record<string, Result>);
  out[name] = summary;
  const required = summary.kinds.required;
  console.log(`${name}: required ${required.pass}/${required.tests} pass (${required.fail} fail, ${required.notJudged} not judged); ` +
    Object.entries(summary.kinds).filter(([k]) => k !== 'required').map(([k, v]) => `${k} ${v.pass}/${v.tests}`).join(', '));
}
rmSync(scratch, { recursive: true, force: true });
if (values.json) writeFileSync(values.json, `${JSON.stringify(out, null, 2)}\n`);

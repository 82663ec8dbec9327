/**
 * `edgecompat bundle`: the files of every platform, a cloudflare app that starts under plain
 * `workerd serve workerd.capnp` and answers the cases, and a generic app served by the few lines of
 * Node its README gives. Both apps are driven by the http runner (`run --url`, or runMatrix in
 * process until the CLI has --url). A route that throws at top level fails alone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../cli/main.ts';
import { bundleCommand } from '../cli/bundle-command.ts';
import { loadCases } from '../core/cases/load-cases.ts';
import { filterCases } from '../core/run/select.ts';
import { Recorder } from '../core/report/recorder.ts';
import { runMatrix } from '../core/run/run-matrix.ts';
import type { Report } from '../core/report/report-types.ts';
import { findBinary } from '../runners/host/binaries.ts';
import { bundleApp } from '../runners/http/bundle/bundle-app.ts';
import { GENERIC_NODE_SERVER, PLATFORMS } from '../runners/http/bundle/platforms.ts';
import { httpRunner, urlTargets } from '../runners/http/runner.ts';
import { RUNNERS } from '../runners/registry.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'cli/bin.mjs');
const runCommand = buildProgram().commands.find((c) => c.name() === 'run')!;
const WIRED_URL = runCommand.options.some((o) => o.long === '--url');
const workerd = findBinary('workerd');

/** Probes, streaming (causal and timed), a multi-request case, bodies, headers, the URL. */
const FILTER = [
  'streaming/readable-stream/two-chunks-300ms-apart',
  'streaming/readable-stream/no-content-length',
  'streaming/transform-stream/writer-after-return',
  'errors/client-disconnect/stream-cancelled-on-disconnect',
  'errors/uncaught/sync-throw-is-500',
  'forbidden-apis/dynamic-code-evaluation/eval',
  'forbidden-apis/node-globals/typeof-dirname',
  'forbidden-apis/node-builtin-imports/static-import-node-fs',
  'request-response/url-and-query',
  'request-response/headers/multiple-set-cookie',
  'request-response/http-methods/post-echo',
  'request-response/http-methods/head-has-no-body',
  'bundle-test',
];

/** Two cases of our own: a route that throws at top level (a load failure) next to one that works. */
const LOAD_SUITE = `area: bundle-test
feature: load
source: https://github.com/edgecompat/edgecompat/blob/main/runners/http/README.md
cases:
  - id: bundle-test/load/top-level-throw
    title: A route that throws at top level is refused at load, alone
    route: |
      throw new RangeError('top-level boom');
      export default () => new Response('never');
    refused: { name: RangeError, message: top-level boom }
  - id: bundle-test/load/sibling
    title: The route next to it loads and answers
    route: |
      export default (request) => new Response('fine ' + new URL(request.url).pathname);
    request: { method: GET, path: /x }
    expect: { status: 200, body: { regex: "^fine (/ec/bundle-test-load-sibling-[0-9a-f]{8})?/x$" } }
`;

let work: string;
const children: ChildProcess[] = [];

/** Spawns a server process and resolves with the URL it reports (workerd: on its control fd; node: stdout). */
function startApp(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  children.push(child);
  let seen = '';
  return new Promise((resolve, reject) => {
    const look = (chunk: Buffer) => {
      seen += chunk.toString();
      const port = /"port":(\d+)/.exec(seen)?.[1];
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(seen)?.[0];
      if (port) resolve(`http://127.0.0.1:${port}`);
      else if (url) resolve(url);
    };
    child.stdout!.on('data', look);
    (child.stdio[3] as NodeJS.ReadableStream).on('data', look);
    child.stderr!.on('data', (c) => (seen += c));
    child.once('exit', (code) => reject(new Error(`${command} exited ${code}: ${seen}`)));
    setTimeout(() => reject(new Error(`${command} gave no URL in 15 s: ${seen}`)), 15_000);
  });
}

/** The cases' statuses on a deployed app: `run --url` when the CLI has it, else the same in process. */
async function runAgainst(url: string, out: string): Promise<Record<string, string>> {
  if (WIRED_URL) {
    const args = [BIN, 'run', '--url', url, '--suite', join(ROOT, 'suites'), '--suite', join(work, 'suite'), ...FILTER.flatMap((f) => ['--filter', f]), '--out', out, '--exit-zero', '--reporter', 'json'];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    children.push(child);
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    return statuses(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')));
  }
  return statuses(await runInProcess(urlTargets([url]), out));
}

async function cases() {
  const all = await loadCases([join(ROOT, 'suites'), join(work, 'suite')]);
  return { all, cases: filterCases(all, { ids: FILTER }) };
}

async function runInProcess(targets: ReturnType<typeof urlTargets>, out: string): Promise<Report> {
  const { all, cases: selected } = await cases();
  return runMatrix({ cases: selected, allCases: all, targets, runners: { ...RUNNERS, http: httpRunner }, recorder: new Recorder(out), concurrency: 4, jobs: 1, signal: new AbortController().signal, log: () => {} });
}

function statuses(report: Report): Record<string, string> {
  return Object.fromEntries(report.results.map((r) => [r.caseId, r.status]));
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'edgecompat-bundle-test-'));
  await rm(join(work, 'suite'), { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(join(work, 'suite')));
  await writeFile(join(work, 'suite', 'load.yaml'), LOAD_SUITE);
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  await rm(work, { recursive: true, force: true });
});

describe('bundle files', () => {
  it('writes each route unchanged, the router, and each platform\'s entry and config', async () => {
    const routes = [
      { caseId: 'a/b', key: 'a-b-1', source: 'export default () => new Response("a")\n' },
      { caseId: 'a/c', key: 'a-c-2', source: 'export default { fetch() { return new Response("c") } }\n' },
    ];
    const expected: Record<string, string[]> = {
      cloudflare: ['worker.mjs', 'workerd.capnp', 'wrangler.toml'],
      vercel: ['api/ec.js', 'package.json', 'vercel.json'],
      netlify: ['netlify.toml', 'netlify/edge-functions/ec.js', 'public/index.html'],
      'deno-deploy': ['deno.json', 'main.ts'],
      generic: ['README.md', 'app.mjs'],
    };
    for (const platform of PLATFORMS) {
      const out = join(work, `files-${platform}`);
      const { files } = await bundleApp(routes, platform, out, { edgecompat: '0.0.0-test', compatibilityDate: '2025-01-01' });
      expect(files).toEqual([...expected[platform], 'router.mjs', 'routes/a-b-1.mjs', 'routes/a-c-2.mjs'].sort());
      expect(await readFile(join(out, 'routes/a-c-2.mjs'), 'utf8')).toBe(routes[1].source);
    }
    expect(await readFile(join(work, 'files-vercel/api/ec.js'), 'utf8')).toContain("export const config = { runtime: 'edge' }");
    expect(JSON.parse(await readFile(join(work, 'files-vercel/vercel.json'), 'utf8')).rewrites[0]).toEqual({ source: '/ec/(.*)', destination: '/api/ec' });
    expect(await readFile(join(work, 'files-netlify/netlify.toml'), 'utf8')).toContain('path = "/ec/*"');
    expect(await readFile(join(work, 'files-deno-deploy/main.ts'), 'utf8')).toContain('Deno.serve(');
    const capnp = await readFile(join(work, 'files-cloudflare/workerd.capnp'), 'utf8');
    expect(capnp).toContain('(name = "routes/a-b-1.mjs", esModule = embed "routes/a-b-1.mjs")');
    expect(capnp).toContain('compatibilityDate = "2025-01-01"');
    expect(await readFile(join(work, 'files-cloudflare/wrangler.toml'), 'utf8')).toMatch(/compatibility_date = "2025-01-01"[\s\S]*no_bundle = true/);
  });

  it('refuses an unknown platform and a filter that matches nothing', async () => {
    await expect(bundleCommand({ platform: 'fastly' as never, out: join(work, 'x') })).rejects.toThrow(/unknown platform "fastly"/);
    await expect(bundleCommand({ platform: 'generic', out: join(work, 'x'), filter: ['no/such/case'] })).rejects.toThrow(/problems|no case/i);
  });
});

describe.skipIf('missing' in workerd)('bundle --platform cloudflare under workerd', () => {
  let url: string;
  beforeAll(async () => {
    const out = join(work, 'cloudflare');
    await bundleCommand({ platform: 'cloudflare', out, suite: [join(ROOT, 'suites'), join(work, 'suite')], filter: FILTER });
    url = await startApp((workerd as { path: string }).path, ['serve', 'workerd.capnp', '--socket-addr', 'http=127.0.0.1:0', '--control-fd=3'], out);
  }, 30_000);

  it('answers the manifest, 404s the rest, and a top-level throw is that route\'s 500 alone', async () => {
    const manifest = await (await fetch(`${url}/ec/__edgecompat`)).json();
    expect(manifest).toMatchObject({ edgecompat: expect.any(String), platform: 'cloudflare', runtime: 'Cloudflare-Workers' });
    const throwing = manifest.keys.find((k: string) => k.startsWith('bundle-test-load-top-level-throw-'));
    const sibling = manifest.keys.find((k: string) => k.startsWith('bundle-test-load-sibling-'));
    const failed = await fetch(`${url}/ec/${throwing}/x`);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toContain('RangeError: top-level boom');
    expect(await (await fetch(`${url}/ec/${sibling}/x`)).text()).toBe(`fine /ec/${sibling}/x`);
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${url}/ec/no-such-key`)).status).toBe(404);
  });

  it('answers the cases (driven by the http runner)', async () => {
    const seen = await runAgainst(url, join(work, 'report-cloudflare'));
    console.log('[bundle.test] cloudflare bundle on workerd:', JSON.stringify(seen));
    const { cases: selected } = await cases();
    expect(Object.keys(seen).sort()).toEqual(selected.map((c) => c.id).sort());
    expect(Object.values(seen).filter((s) => s === 'ERROR' || s === 'SKIP' || s === 'CRASH')).toEqual([]);
    for (const id of ['bundle-test/load/top-level-throw', 'bundle-test/load/sibling', 'streaming/readable-stream/two-chunks-300ms-apart', 'forbidden-apis/dynamic-code-evaluation/eval', 'request-response/headers/multiple-set-cookie', 'request-response/url-and-query/percent-encoded-path', 'errors/client-disconnect/stream-cancelled-on-disconnect']) {
      expect(seen[id], id).toBe('PASS');
    }
  }, 60_000);
});

describe('bundle --platform generic served by a few lines of Node', () => {
  it('answers the cases as the node target does', async () => {
    const out = join(work, 'generic');
    await bundleCommand({ platform: 'generic', out, suite: [join(ROOT, 'suites'), join(work, 'suite')], filter: FILTER });
    expect(await readFile(join(out, 'README.md'), 'utf8')).toContain(GENERIC_NODE_SERVER);
    await writeFile(join(out, 'server.mjs'), GENERIC_NODE_SERVER);
    const url = await startApp(process.execPath, ['server.mjs'], out, { ...process.env, PORT: '0' });
    const [viaBundle, direct] = await Promise.all([runAgainst(url, join(work, 'report-generic')), runInProcess([{ name: 'node', runner: 'node', settings: {} }], join(work, 'report-node')).then(statuses)]);
    console.log('[bundle.test] generic bundle on node:', JSON.stringify(viaBundle));
    // The bundle loads routes lazily in one module graph, a run on the node target each on its own: same verdicts.
    expect(viaBundle).toEqual(direct);
    expect(viaBundle['bundle-test/load/top-level-throw']).toBe('PASS');
  }, 60_000);
});

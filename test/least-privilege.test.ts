/**
 * Least privilege for route code. With a secret in edgecompat's environment, a route on every column
 * tries to read it (process.env, Deno.env, Bun.env), to read a file of the host, and to fetch a
 * server on 127.0.0.1: the secret never reaches it, and what it reached matches what the report's
 * target info says the column allows (runners/access.ts). While the run goes on, every socket that
 * edgecompat's processes listen on is bound to 127.0.0.1.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../api/run.ts';
import type { Report } from '../core/report/report-types.ts';
import { listenersOf, liveDescendants, type Listener } from '../runners/host/proc.ts';
import { ACCESS } from '../runners/access.ts';
import { TARGETS } from '../runners/registry.ts';

const SECRET = 'leaked-7f3a';
const TARGET_NAMES = ['node', 'edge-runtime', 'workerd', 'workerd-2024-09-23-nodejs-compat', 'miniflare', 'deno', 'bun', 'nextjs', 'nextjs-app'];
const dir = mkdtempSync(join(tmpdir(), 'edgecompat-privilege-'));
const secretFile = join(dir, 'host-file.txt');
let server: Server;
let report: Report;
const listeners: Listener[] = [];

function probeRoute(port: number): string {
  return `export default async function (request) {
  const out = {};
  const attempt = async (name, read) => { try { out[name] = (await read()) ?? null; } catch (e) { out[name] = 'threw ' + e.name; } };
  await attempt('processEnv', () => globalThis.process?.env?.EC_SECRET_PROBE);
  await attempt('denoEnv', () => globalThis.Deno?.env.get('EC_SECRET_PROBE'));
  await attempt('bunEnv', () => globalThis.Bun?.env.EC_SECRET_PROBE);
  await attempt('nodeFile', async () => (await import(['node', 'fs'].join(':'))).readFileSync(${JSON.stringify(secretFile)}, 'utf8'));
  await attempt('denoFile', () => globalThis.Deno?.readTextFile(${JSON.stringify(secretFile)}));
  await attempt('bunFile', () => globalThis.Bun?.file(${JSON.stringify(secretFile)}).text());
  await attempt('loopbackFetch', async () => (await fetch('http://127.0.0.1:${port}/')).text());
  return Response.json(out);
}
`;
}

beforeAll(async () => {
  writeFileSync(secretFile, 'host-file-content');
  server = createServer((_req, res) => res.end('loopback-reached'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  writeFileSync(join(dir, 'reach.yaml'), [
    'area: security',
    'feature: reach',
    'source: https://owasp.org/www-community/Access_Control',
    'cases:',
    '  - id: security/reach/what-a-route-reaches',
    '    title: What a route can read of the host (environment, files) and reach on the network',
    '    route: |',
    ...probeRoute(port).split('\n').map((line) => `      ${line}`),
    '    expect: { status: 200 }',
    '',
  ].join('\n'));
  process.env.EC_SECRET_PROBE = SECRET;
  // The sockets edgecompat's processes listen on, read from /proc while the run goes on.
  const sample = setInterval(() => listeners.push(...listenersOf(liveDescendants())), 100);
  try {
    report = await run({ suite: [dir], targets: TARGET_NAMES, jobs: 3 });
  } finally {
    clearInterval(sample);
    delete process.env.EC_SECRET_PROBE;
  }
}, 600_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const seen = (target: string): Record<string, string | null> => {
  const result = report.results.find((r) => r.target === target)!;
  expect(result.status, `${target}: ${result.message}`).toBe('PASS');
  return JSON.parse(result.observation.steps[0].bodyExcerpt!);
};

it('would leak without the filter: a child given edgecompat\'s environment reads the secret', () => {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.env.EC_SECRET_PROBE))'], { encoding: 'utf8', env: { ...process.env, EC_SECRET_PROBE: SECRET } });
  expect(child.stdout).toBe(SECRET);
});

describe.each(TARGET_NAMES)('%s', (name) => {
  it('never gives a route edgecompat\'s environment', () => {
    const values = seen(name);
    for (const key of ['processEnv', 'denoEnv', 'bunEnv']) expect(values[key], key).not.toBe(SECRET);
  });

  it('lets a route reach what its target info says, and no more', () => {
    const target = TARGETS.find((t) => t.name === name)!;
    const access = ACCESS[target.runner];
    const values = seen(name);
    const readFile = ['nodeFile', 'denoFile', 'bunFile'].some((key) => values[key] === 'host-file-content');
    expect(readFile, JSON.stringify(values)).toBe(access.reachable.hostFiles);
    expect(values.loopbackFetch === 'loopback-reached', JSON.stringify(values)).toBe(access.reachable.loopbackFetch);
    const run = report.targets.find((t) => t.name === name)!;
    expect(run.access).toEqual({ files: access.files, network: access.network, env: access.env });
  });
});

it('deno runs with the fewest permissions: it refuses the environment, the file and the fetch itself', () => {
  const values = seen('deno');
  expect(values).toMatchObject({ processEnv: 'threw NotCapable', denoEnv: 'threw NotCapable', nodeFile: 'threw NotCapable', denoFile: 'threw NotCapable', loopbackFetch: 'threw NotCapable' });
});

it('binds every socket its targets listen on to 127.0.0.1', () => {
  expect(listeners.length).toBeGreaterThan(0);
  const elsewhere = listeners.filter((l) => l.address !== '127.0.0.1' && l.address !== '::ffff:127.0.0.1');
  expect(elsewhere).toEqual([]);
});

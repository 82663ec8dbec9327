/**
 * A runtime that is not installed makes its column SKIP with a reason, and the run goes on. The test
 * builds a copy of the package whose node_modules lacks deno (its package and its .bin link) and
 * runs it with a PATH that has no deno either, exactly as on a machine without it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { binaryEnvVar, findBinary } from '../runners/host/binaries.ts';
import type { Report } from '../core/report/report-types.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const copy = mkdtempSync(join(tmpdir(), 'edgecompat-nodeno-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

function packageWithout(runtime: string): void {
  for (const entry of ['cli', 'core', 'runners', 'reports', 'schemas', 'profiles', 'api', 'package.json']) cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
  mkdirSync(join(copy, 'node_modules', '.bin'), { recursive: true });
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry === '.bin' || entry === runtime) continue;
    symlinkSync(join(ROOT, 'node_modules', entry), join(copy, 'node_modules', entry));
  }
  for (const bin of readdirSync(join(ROOT, 'node_modules', '.bin'))) {
    if (bin !== runtime) symlinkSync(join(ROOT, 'node_modules', '.bin', bin), join(copy, 'node_modules', '.bin', bin));
  }
}

it('says why a binary is missing, and honours an override that points nowhere', () => {
  const missing = findBinary('no-such-runtime', { PATH: '/nonexistent' });
  expect(missing).toEqual({ missing: expect.stringContaining('no-such-runtime is not installed') });
  expect(findBinary('deno', { [binaryEnvVar('deno')]: '/nonexistent/deno' })).toEqual({ missing: 'EDGECOMPAT_DENO_BIN=/nonexistent/deno is not an executable file' });
  expect(findBinary('deno', { PATH: '' })).toMatchObject({ from: 'package' });
});

it('skips the column of a runtime that is not installed, with the reason, and runs the others', () => {
  packageWithout('deno');
  const out = join(copy, 'out');
  const suite = join(ROOT, 'test/fixtures/suites/basics');
  const path = [dirname(process.execPath), '/usr/bin', '/bin'].join(':');
  const ran = spawnSync(process.execPath, [join(copy, 'cli/bin.mjs'), 'run', '--targets', 'deno,node', '--suite', suite, '--filter', 'basics/basics/streamed', '--out', out, '--reporter', 'json'], {
    encoding: 'utf8',
    env: { PATH: path, HOME: process.env.HOME },
  });
  expect(ran.status, ran.stderr).toBe(0);
  const report: Report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  const deno = report.targets.find((t) => t.name === 'deno')!;
  expect(deno.skipped).toMatch(/^deno is not installed/);
  expect(deno.version).toBe('unknown');
  expect(report.results.map((r) => [r.target, r.status])).toEqual([
    ['deno', 'SKIP'],
    ['node', 'PASS'],
  ]);
});

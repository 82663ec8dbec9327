/**
 * A plug-in runner from a file appears as a column: the worked example of runners/README.md, written
 * to a file and loaded with `run --runner`, exactly as a vendor would.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Report } from '../core/report-types.ts';

const BIN = new URL('../core/cli/bin.mjs', import.meta.url).pathname;
const README = new URL('../runners/README.md', import.meta.url);
const SUITE = new URL('./fixtures/suites/basics', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'edgecompat-plugin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  return spawnSync(process.execPath, [BIN, 'run', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

it('loads the README example as a column beside a built-in one', () => {
  const example = /```js\n(\/\/ my-runner\.mjs[\s\S]*?)```/.exec(readFileSync(README, 'utf8'))?.[1];
  expect(example).toBeDefined();
  const plugin = join(dir, 'my-runner.mjs');
  writeFileSync(plugin, example!);
  const out = join(dir, 'out');
  const ran = run(['--runner', plugin, '--targets', 'node', '--suite', SUITE, '--filter', 'basics/basics/eval,basics/basics/streamed,basics/basics/top-level-throw', '--out', out, '--reporter', 'json']);
  expect(ran.status, ran.stderr).toBe(1);
  const report: Report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  expect(report.targets.map((t) => [t.name, t.runtime, t.version])).toEqual([
    ['node', 'node', process.versions.node],
    ['in-process', 'in-process', process.versions.node],
  ]);
  const cell = (id: string) => report.results.find((r) => r.target === 'in-process' && r.caseId === `basics/basics/${id}`)!;
  expect(cell('streamed').status).toBe('PASS');
  expect(cell('eval').status).toBe('FAIL');
  expect(cell('top-level-throw').message).toContain('refused at load: Error: broken at load');
  // list names the plug-in's column with --runner, and --targets selects it alone.
  const listed = spawnSync(process.execPath, [BIN, 'list', '--runner', plugin, '--suite', SUITE, '--json'], { encoding: 'utf8' });
  expect(listed.status, listed.stderr).toBe(0);
  expect((JSON.parse(listed.stdout) as { targets: { name: string }[] }).targets.map((t) => t.name)).toContain('in-process');
  const alone = run(['--runner', plugin, '--targets', 'in-process', '--suite', SUITE, '--filter', 'basics/basics/streamed', '--out', join(dir, 'alone'), '--reporter', 'json']);
  expect(alone.status, alone.stderr).toBe(0);
  expect((JSON.parse(readFileSync(join(dir, 'alone', 'report.json'), 'utf8')) as Report).targets.map((t) => t.name)).toEqual(['in-process']);
});

it('refuses a module that is not a runner, naming the file (exit 2)', () => {
  const bad = join(dir, 'not-a-runner.mjs');
  writeFileSync(bad, 'export default { name: "x" }\n');
  const ran = run(['--runner', bad, '--suite', SUITE, '--out', join(dir, 'bad')]);
  expect(ran.status).toBe(2);
  expect(ran.stderr).toContain('not-a-runner.mjs: not a runner module: its default export needs a create(settings, ctx) function');
});

it('reports a runner that cannot be set up as ERROR in its column, and runs the others', () => {
  const broken = join(dir, 'broken-runner.mjs');
  writeFileSync(broken, `export default { name: 'broken', create() {
    return { unavailable: async () => undefined, info: async () => { throw new Error('no version today') },
      start: async () => ({ urls: new Map(), failures: new Map() }), exited: () => new Promise(() => {}), stop: async () => {} };
  } };\n`);
  const out = join(dir, 'broken-out');
  const ran = run(['--runner', broken, '--targets', 'node', '--suite', SUITE, '--filter', 'basics/basics/streamed', '--out', out, '--reporter', 'json']);
  expect(ran.status, ran.stderr).toBe(1);
  const report: Report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  expect(report.results.map((r) => [r.target, r.status])).toEqual(expect.arrayContaining([['node', 'PASS'], ['broken', 'ERROR']]));
  expect(report.results.find((r) => r.target === 'broken')!.message).toBe('the broken runner could not be set up: no version today');
  expect(report.targets.find((t) => t.name === 'broken')).toMatchObject({ version: 'unknown' });
});

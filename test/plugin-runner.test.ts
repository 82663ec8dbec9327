/**
 * A plug-in runner from a file appears as a column: the worked example of runners/README.md, written
 * to a file and loaded with `run --runner`, exactly as a vendor would; it survives routes that throw.
 * The runner kit's example (examples/runners/node-strict.mjs) runs as a column of its own.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Report } from '../core/report/report-types.ts';
import { validateReport } from '../schemas/validators.ts';

const BIN = new URL('../cli/bin.mjs', import.meta.url).pathname;
const README = new URL('../runners/README.md', import.meta.url);
const SUITE = new URL('./fixtures/suites/basics', import.meta.url).pathname;
const THROWING = new URL('./fixtures/suites/throwing', import.meta.url).pathname;
const NODE_STRICT = new URL('../examples/runners/node-strict.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'edgecompat-plugin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  return spawnSync(process.execPath, [BIN, 'run', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

/** The README's example, copied verbatim into a file. */
function readmeExample(): string {
  const example = /```js\n(\/\/ my-runner\.mjs[\s\S]*?)```/.exec(readFileSync(README, 'utf8'))?.[1];
  expect(example).toBeDefined();
  const plugin = join(dir, 'my-runner.mjs');
  writeFileSync(plugin, example!);
  return plugin;
}

it('loads the README example as a column beside a built-in one', () => {
  const plugin = readmeExample();
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

it('the README example survives routes that throw, reject or error mid-stream, and leaves a valid report', () => {
  const plugin = readmeExample();
  const out = join(dir, 'throwing');
  const ran = run(['--runner', plugin, '--targets', 'in-process', '--suite', THROWING, '--out', out, '--reporter', 'json']);
  expect(ran.stderr).not.toContain('edgecompat: boom');
  expect(ran.status, ran.stderr).toBe(0);
  const report: Report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
  const ids = ['sync-throw', 'rejected-promise', 'stream-errors-midway', 'still-answers'].map((id) => `throwing/request-time/${id}`);
  expect(report.results.map((r) => [r.caseId, r.target]).sort()).toEqual(ids.map((id) => [id, 'in-process']).sort());
  const seen = (id: string) => report.results.find((r) => r.caseId === `throwing/request-time/${id}`)!.observation.steps[0];
  expect(seen('sync-throw').status).toBe(500);
  expect(seen('rejected-promise').status).toBe(500);
  expect(seen('stream-errors-midway').error).toBeDefined();
  expect(report.results.every((r) => r.status === 'PASS')).toBe(true);
});

it('the runner kit example is at most 40 lines and runs as a column: node with --disallow-code-generation-from-strings', () => {
  expect(readFileSync(NODE_STRICT, 'utf8').trimEnd().split('\n').length).toBeLessThanOrEqual(40);
  expect(readFileSync(README, 'utf8'), 'runners/README.md shows the example as it is').toContain(`\`\`\`js\n${readFileSync(NODE_STRICT, 'utf8').trimEnd()}\n\`\`\``);
  const out = join(dir, 'node-strict');
  const filter = ['eval', 'new-function', 'streamed', 'echo', 'top-level-throw', 'typeof-require'].map((id) => `basics/basics/${id}`).join(',');
  const ran = run(['--runner', NODE_STRICT, '--targets', 'node,node-strict', '--suite', SUITE, '--filter', filter, '--out', out, '--reporter', 'json']);
  expect(ran.status, ran.stderr).toBe(1);
  const report: Report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  expect(report.targets.find((t) => t.name === 'node-strict')).toMatchObject({ runtime: 'node', version: process.versions.node, flags: ['--disallow-code-generation-from-strings'] });
  const cell = (target: string, id: string) => report.results.find((r) => r.target === target && r.caseId === `basics/basics/${id}`)!;
  // The flag is the only difference from the node column: code generation from strings is refused.
  expect([cell('node', 'eval').status, cell('node-strict', 'eval').status]).toEqual(['FAIL', 'PASS']);
  expect(cell('node-strict', 'eval').message).toContain('EvalError: Code generation from strings disallowed for this context');
  expect([cell('node', 'new-function').status, cell('node-strict', 'new-function').status]).toEqual(['FAIL', 'PASS']);
  for (const id of ['streamed', 'echo', 'typeof-require', 'top-level-throw']) expect(cell('node-strict', id).status, id).toBe(cell('node', id).status);
  expect(cell('node-strict', 'top-level-throw').message).toContain('refused at load: Error: broken at load');
});

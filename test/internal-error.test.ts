/**
 * An internal error (an exception of edgecompat or of a plug-in's code, not a verdict) exits 3, and
 * the results that finished are written: report.json (valid, naming the error), results.jsonl and
 * the renderings.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { assertValidReport } from '../core/report/recorder.ts';

const BIN = new URL('../cli/bin.mjs', import.meta.url).pathname;
const SUITE = new URL('./fixtures/suites/basics', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'edgecompat-internal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('exits 3 with the finished results written when a column ends on an exception', () => {
  // A plug-in with a bug: info() resolves with nothing, so reading its settings throws in edgecompat.
  const plugin = join(dir, 'buggy-runner.mjs');
  writeFileSync(plugin, `import { createServer } from 'node:http';
export default { name: 'buggy', create() {
  const servers = [];
  return {
    unavailable: async () => undefined,
    info: async () => undefined,
    async start(routes) {
      const urls = new Map();
      for (const route of routes) {
        const server = createServer((req, res) => res.end('hello'));
        await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
        servers.push(server);
        urls.set(route.key, 'http://127.0.0.1:' + server.address().port);
      }
      return { urls, failures: new Map() };
    },
    exited: () => new Promise(() => {}),
    async stop() { await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve)))); },
  };
} };
`);
  const out = join(dir, 'out');
  const ran = spawnSync(process.execPath, [BIN, 'run', '--runner', plugin, '--targets', 'node,buggy', '--suite', SUITE, '--filter', 'basics/basics/streamed,basics/basics/echo', '--out', out, '--reporter', 'json,markdown'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' } });
  expect(ran.status, ran.stderr).toBe(3);
  expect(ran.stderr).toContain('edgecompat: internal error in buggy:');
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assertValidReport(report);
  expect(report.internalErrors).toEqual([{ target: 'buggy', message: expect.stringContaining('TypeError') }]);
  // The other column finished and is in the report; so is what the broken one finished.
  expect(report.results.filter((r: { target: string }) => r.target === 'node').map((r: { status: string }) => r.status)).toEqual(['PASS', 'PASS']);
  expect(report.targets.map((t: { name: string }) => t.name)).toEqual(['node', 'buggy']);
  expect(readFileSync(join(out, 'results.jsonl'), 'utf8').split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(3);
  expect(existsSync(join(out, 'summary.md')) && readFileSync(join(out, 'summary.md'), 'utf8')).toContain('**internal error** in buggy');
});

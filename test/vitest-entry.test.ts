/**
 * edgecompat/vitest: a folder of cases and a list of targets become vitest tests named
 * `target > case id`, judged as the gate judges them, and vitest's -t filter decides which cases
 * edgecompat runs. vitest runs in a project of its own; its JSON reporter says what happened.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Report } from '../core/report/report-types.ts';

const ENTRY = new URL('../api/vitest.mjs', import.meta.url).href;
const SUITE = new URL('./fixtures/suites/basics', import.meta.url).pathname;
const VITEST = new URL('../node_modules/vitest/vitest.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'edgecompat-vitest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface JsonReport { testResults: { assertionResults: { ancestorTitles: string[]; title: string; fullName: string; status: string; failureMessages: string[] }[] }[] }

function vitest(args: string[]) {
  const outputFile = join(dir, `results-${Math.random().toString(36).slice(2)}.json`);
  const ran = spawnSync(process.execPath, [VITEST, 'run', '--root', dir, '--reporter=json', `--outputFile=${outputFile}`, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const json = JSON.parse(readFileSync(outputFile, 'utf8')) as JsonReport;
  const tests = json.testResults.flatMap((f) => f.assertionResults);
  return { status: ran.status, stderr: ran.stderr, tests, byName: new Map(tests.map((t) => [[...t.ancestorTitles, t.title].join(' > '), t])) };
}

writeFileSync(join(dir, 'vitest.config.mjs'), "export default { test: { include: ['*.test.mjs'], hookTimeout: 120000 } };\n");
writeFileSync(join(dir, 'expectations.yaml'), 'targets:\n  node:\n    basics/basics/new-function: FAIL\n');
writeFileSync(join(dir, 'edge.test.mjs'), `import { edgecompatTests } from ${JSON.stringify(ENTRY)};
await edgecompatTests({
  suite: [${JSON.stringify(SUITE)}],
  targets: ['node', 'edge-runtime'],
  filter: ['basics/basics/streamed', 'basics/basics/eval', 'basics/basics/new-function'],
  expectations: 'expectations.yaml',
  out: 'edge-report',
});
`);

it('declares one test per case and target, named target > case id, failing as the gate does', () => {
  const { status, tests, byName } = vitest([]);
  expect(status).toBe(1);
  expect([...byName.keys()].sort()).toEqual([
    'edge-runtime > basics/basics/eval', 'edge-runtime > basics/basics/new-function', 'edge-runtime > basics/basics/streamed',
    'node > basics/basics/eval', 'node > basics/basics/new-function', 'node > basics/basics/streamed',
  ]);
  // node runs eval (the case expects it refused): a regression, with the judge's reason and the case's line.
  const evalOnNode = byName.get('node > basics/basics/eval')!;
  expect(evalOnNode.status).toBe('failed');
  expect(evalOnNode.failureMessages.join('\n')).toMatch(/regression: expected PASS, got FAIL\nexpected eval\('1\+1'\) to throw EvalError, it gave 2\n\(case: .*basics\.yaml:\d+\)/);
  // A known failure listed in the expectations file passes; the edge runtime refuses eval itself.
  expect(byName.get('node > basics/basics/new-function')!.status).toBe('passed');
  expect(byName.get('edge-runtime > basics/basics/eval')!.status).toBe('passed');
  expect(byName.get('node > basics/basics/streamed')!.status).toBe('passed');
  expect(tests.filter((t) => t.status === 'failed')).toHaveLength(1);
  // Each target's run wrote its report where `out` says.
  const report: Report = JSON.parse(readFileSync(join(dir, 'edge-report', 'node', 'report.json'), 'utf8'));
  expect(report.results.map((r) => r.caseId).sort()).toEqual(['basics/basics/eval', 'basics/basics/new-function', 'basics/basics/streamed']);
});

// vitest's -t matches the names joined by spaces.
it('runs only what vitest -t selects', () => {
  const { status, byName } = vitest(['-t', 'node basics/basics/streamed']);
  expect(status).toBe(0);
  expect(byName.get('node > basics/basics/streamed')!.status).toBe('passed');
  expect(byName.get('node > basics/basics/eval')!.status).toBe('skipped');
  expect(byName.get('edge-runtime > basics/basics/streamed')!.status).toBe('skipped');
  const report: Report = JSON.parse(readFileSync(join(dir, 'edge-report', 'node', 'report.json'), 'utf8'));
  expect(report.results.map((r) => r.caseId)).toEqual(['basics/basics/streamed']);
});

/**
 * Load is never a verdict: a case whose first verdict a busy machine could have made (a timeout, a
 * failed stream timing) runs again alone once its column's other cases are done, and the second
 * verdict is the one recorded; the target info lists both. Here a route stands for a machine that
 * was busy the first time: it hangs on its first run (it leaves a mark in a file) and answers on the
 * next; a route that always hangs stays TIMEOUT.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runSuites } from './support/run-suites.ts';

const dir = mkdtempSync(join(tmpdir(), 'edgecompat-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a timeout that does not come again when the case runs alone is not recorded; one that does is', async () => {
  const mark = join(dir, 'first-run-hung');
  writeFileSync(join(dir, 'load.yaml'), `area: load
feature: load
source: https://fetch.spec.whatwg.org/
cases:
  - id: load/load/hangs-the-first-time
    title: hangs on its first run only
    timeoutMs: 800
    route: |
      import { existsSync, writeFileSync } from 'node:fs';
      export default async () => {
        if (!existsSync(${JSON.stringify(mark)})) {
          writeFileSync(${JSON.stringify(mark)}, 'hung');
          await new Promise(() => {});
        }
        return new Response('answered');
      };
    request: { path: / }
    expect: { status: 200, body: { equals: answered } }
  - id: load/load/always-hangs
    title: never answers
    timeoutMs: 800
    route: |
      export default () => new Promise(() => {});
    request: { path: / }
    expect: { status: 200 }
  - id: load/load/answers
    title: answers at once
    route: |
      export default () => new Response('ok');
    request: { path: / }
    expect: { status: 200, body: { equals: ok } }
`);
  const report = await runSuites({ suites: [dir], targets: ['node'] });
  const status = (id: string) => report.results.find((r) => r.caseId === `load/load/${id}`)!.status;
  expect(status('hangs-the-first-time')).toBe('PASS');
  expect(status('always-hangs')).toBe('TIMEOUT');
  expect(status('answers')).toBe('PASS');
  expect(report.results).toHaveLength(3);
  expect(report.targets[0].verification!.ranAgainForLoad).toEqual(
    expect.arrayContaining([
      { caseId: 'load/load/hangs-the-first-time', first: 'TIMEOUT', then: 'PASS' },
      { caseId: 'load/load/always-hangs', first: 'TIMEOUT', then: 'TIMEOUT' },
    ]),
  );
  expect(report.targets[0].verification!.ranAgainForLoad).toHaveLength(2);
}, 120_000);

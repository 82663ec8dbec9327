import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError, type Problem } from '../schemas/input-error.ts';
import { loadCases } from '../core/cases/load-cases.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function suite(files: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'edgecompat-loader-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function problems(files: Record<string, string>): Promise<Problem[]> {
  try {
    await loadCases([suite(files)], dir);
  } catch (error) {
    if (error instanceof InputError) return error.problems;
    throw error;
  }
  throw new Error('expected the suite to be refused');
}

const GOOD = `area: demo
feature: basics
source: https://example.org/spec
cases:
  - id: demo/basics/hello
    title: says hello
    route: |
      export default () => new Response('hello')
    request: { path: /hi, headers: { x-a: "1" } }
    expect: { status: 200, body: { equals: hello } }
  - id: demo/basics/typeof-require
    title: no require
    source: https://example.org/other
    probe: { expr: typeof require, value: "undefined" }
`;

describe('loader', () => {
  it('normalises a valid file: defaults, steps, probe routes', async () => {
    const cases = await loadCases([suite({ 'demo/basics.yaml': GOOD })], dir);
    expect(cases.map((c) => c.id)).toEqual(['demo/basics/hello', 'demo/basics/typeof-require']);
    const [hello, probe] = cases;
    expect(hello).toMatchObject({ area: 'demo', feature: 'basics', source: 'https://example.org/spec', timeoutMs: 5000, file: 'demo/basics.yaml' });
    expect(hello.steps).toEqual([{ request: { method: 'GET', path: '/hi', headers: { 'x-a': '1' } }, expect: { status: 200, body: { equals: 'hello' } }, startAfter: 'previous-done' }]);
    expect(probe.source).toBe('https://example.org/other');
    expect(probe.route).toContain('typeof require');
    expect(probe.steps[0].request).toEqual({ method: 'GET', path: '/' });
  });

  it('reads a TypeScript route from a file beside the case', async () => {
    const yaml = GOOD.replace("route: |\n      export default () => new Response('hello')", 'route: { file: hello.ts }');
    const cases = await loadCases([suite({ 'demo/basics.yaml': yaml, 'demo/hello.ts': 'export default (): Response => new Response("hello")\n' })], dir);
    expect(cases[0]).toMatchObject({ routeLang: 'ts', routeFile: 'demo/hello.ts' });
  });

  it('names file and line of invalid YAML', async () => {
    const found = await problems({ 'demo/bad.yaml': 'area: demo\nfeature: [unclosed\n' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ file: 'demo/bad.yaml' });
    expect(found[0].message).toMatch(/^invalid YAML/);
    expect(found[0].line).toBeGreaterThanOrEqual(2);
  });

  it('names file, line and JSON path of a schema violation', async () => {
    const found = await problems({ 'demo/basics.yaml': GOOD.replace('status: 200', 'status: "ok"').replace('title: no require', 'title: no require\n    colour: red') });
    expect(found).toContainEqual({ file: 'demo/basics.yaml', line: 10, path: '/cases/0/expect/status', message: 'must be integer' });
    // An unknown field is named at its own line (the case starts at 11, its title is 12).
    expect(found).toContainEqual({ file: 'demo/basics.yaml', line: 13, path: '/cases/1', message: 'unknown field "colour"' });
  });

  it('refuses an invocation expectation that refers to a request not before it', async () => {
    const yaml = `area: demo
feature: caching
source: https://example.org/spec
cases:
  - id: demo/caching/later
    title: refers to a later request
    route: export default () => new Response('x')
    requests:
      - path: /
        expect: { invocation: { sameAs: 2 } }
      - path: /
        expect: { invocation: { notSameAs: 3 } }
`;
    const found = await problems({ 'demo/caching.yaml': yaml });
    expect(found).toContainEqual({ file: 'demo/caching.yaml', line: 10, path: '/cases/0/requests/0/expect/invocation', message: 'request 1 has no earlier request to refer to (it says 2)' });
    expect(found).toContainEqual({ file: 'demo/caching.yaml', line: 12, path: '/cases/0/requests/1/expect/invocation', message: 'request 2 can only refer to an earlier request (1 to 1), not 3' });
  });

  it('refuses duplicate ids across files, with where the first one is', async () => {
    const found = await problems({ 'demo/a.yaml': GOOD, 'demo/b.yaml': GOOD });
    expect(found).toContainEqual({ file: 'demo/b.yaml', line: 5, path: '/cases/0/id', message: 'duplicate id "demo/basics/hello" (first in demo/a.yaml:5)' });
  });

  it('refuses a case without a source (the schema requires one, the case or its file)', async () => {
    const yaml = GOOD.replace('source: https://example.org/spec\n', '');
    const messages = (await problems({ 'demo/x.yaml': yaml })).map((p) => `${p.path}: ${p.message}`);
    expect(messages).toEqual(['/cases/0: no source: give the case (or the file) the URL of what it checks']);
  });

  it('refuses an id outside its area, and a missing route file', async () => {
    const yaml = GOOD.replace('demo/basics/hello', 'other/basics/hello').replace("route: |\n      export default () => new Response('hello')", 'route: { file: missing.js }');
    const messages = (await problems({ 'demo/x.yaml': yaml })).map((p) => `${p.path}: ${p.message}`);
    expect(messages).toContain('/cases/0/id: id "other/basics/hello" must begin with its area "demo/"');
    expect(messages).toContain('/cases/0/route: route file not found: demo/missing.js');
  });

  it('refuses a case with both route and probe, and a path without a slash', async () => {
    const yaml = GOOD.replace('probe: {', "route: 'export default 1'\n    probe: {").replace('path: /hi', 'path: hi');
    const found = await problems({ 'demo/x.yaml': yaml });
    expect(found.some((p) => p.path === '/cases/0/request/path' && p.message.includes('must match pattern'))).toBe(true);
    expect(found.some((p) => p.path?.startsWith('/cases/1'))).toBe(true);
  });

  it('says so when a suite path does not exist or holds no case files', async () => {
    await expect(loadCases(['/nonexistent/suite'])).rejects.toThrow('/nonexistent/suite: no such file or folder');
    await expect(problems({ 'empty/readme.md': '# nothing' })).resolves.toEqual([{ file: expect.any(String), message: 'no case files (*.yaml, *.yml) found' }]);
  });
});

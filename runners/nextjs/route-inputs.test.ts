/**
 * What a route's build reads outside the app, found before the build: the route's file, its helpers
 * and its npm packages, hashed, so that a change to any of them makes a new build. Runs on a copy of
 * test/fixtures/nextjs/imports (a route importing ./lib.ts and a package from its own node_modules).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commonAncestor, routeInputs } from './route-inputs.ts';

const FIXTURE = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'nextjs', 'imports');
const copy = mkdtempSync(join(tmpdir(), 'edgecompat-inputs-'));
cpSync(FIXTURE, copy, { recursive: true });
afterAll(() => rmSync(copy, { recursive: true, force: true }));

const fileOrigin = () => ({ source: readFileSync(join(copy, 'route.ts'), 'utf8'), lang: 'ts' as const, file: join(copy, 'route.ts'), resolveDir: copy });

describe('routeInputs', () => {
  it('finds the route file, its helper, the package entry Next would pick and its package.json', async () => {
    const inputs = await routeInputs(fileOrigin());
    expect(inputs.imports).toBe(true);
    expect(inputs.error).toBeUndefined();
    const pkg = join(copy, 'node_modules', 'ec-fixture-shout');
    expect(Object.keys(inputs.files).sort()).toEqual([join(pkg, 'edge-light.js'), join(pkg, 'package.json'), join(copy, 'lib.ts'), join(copy, 'route.ts')].sort());
  });

  it('hashes contents: editing a helper changes the inputs, nothing else does', async () => {
    const before = await routeInputs(fileOrigin());
    expect(await routeInputs(fileOrigin())).toEqual(before);
    writeFileSync(join(copy, 'lib.ts'), `${readFileSync(join(copy, 'lib.ts'), 'utf8')}\n// edited\n`);
    const after = await routeInputs(fileOrigin());
    expect(after.files[join(copy, 'lib.ts')]).not.toBe(before.files[join(copy, 'lib.ts')]);
    expect(after.files[join(copy, 'route.ts')]).toBe(before.files[join(copy, 'route.ts')]);
  });

  it('an inline route that imports only built-ins reads nothing outside the app; one with imports does', async () => {
    expect(await routeInputs({ source: "import { Buffer } from 'node:buffer';\nexport default () => new Response('x')", lang: 'js', resolveDir: copy })).toEqual({ imports: false, files: {} });
    const inline = await routeInputs({ source: "import { greet } from './lib.ts';\nexport default () => new Response(greet('x'))", lang: 'ts', resolveDir: copy });
    expect(inline.imports).toBe(true);
    expect(Object.keys(inline.files)).toEqual([join(copy, 'lib.ts')]);
  });

  it('keeps what it could not read instead of failing, and never fails on an import that does not resolve', async () => {
    const missing = await routeInputs({ source: "import x from './missing.ts';\nimport y from 'no-such-package';\nexport default [x, y]", lang: 'ts', resolveDir: copy });
    expect(missing).toEqual({ imports: true, files: {}, unresolved: [`${copy} ./missing.ts`, `${copy} no-such-package`] });
    const broken = await routeInputs({ source: 'export default () => {', lang: 'js', resolveDir: copy });
    expect(broken.error).toMatch(/Unexpected end of file|Expected/);
  });

  it('finds the deepest common folder', () => {
    expect(commonAncestor(['/a/b/c', '/a/b/d/e', '/a/b/'])).toBe('/a/b');
    expect(commonAncestor(['/a/b', '/x'])).toBe('/');
  });
});

/**
 * Reading what next build reported, and generating the app, without running next. The reports are
 * real: what next 16.4.6 wrote while building the routes of
 * test/fixtures/nextjs/capture-build-outputs.ts, pass by pass, with Turbopack (stderr) and webpack
 * (the diagnostics plugin's reports, and stderr), on both routers. That script captures them again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appPlan, routeEntryPath, routeKeyOfPath, type AppOptions } from './app.ts';
import { buildHash } from './build-cache.ts';
import { pageDataDiagnostics, turbopackDiagnostics } from './build-errors.ts';
import type { RouteInputs } from './route-inputs.ts';
import { byRoute, type BuildDiagnostic } from './diagnostics.ts';
import { readWebpackReports, webpackDiagnostics } from './webpack-report.ts';

const OUTPUTS = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'nextjs', 'build-outputs');
/** Where the captured app was: the capture's fixed folder, under the package root written as /ROOT. */
const APP_PREFIX = '.edgecompat/cache/nextjs/0123456789abcdef';
const APP = { dir: `/ROOT/${APP_PREFIX}`, root: '/ROOT' };

const stderr = (combo: string, pass: number) => readFileSync(join(OUTPUTS, combo, `pass-${pass}.stderr.txt`), 'utf8');
const turbopack = (combo: string, pass: number) => [...turbopackDiagnostics(stderr(combo, pass), APP_PREFIX), ...pageDataDiagnostics(stderr(combo, pass))];
const webpack = (combo: string, pass: number) => [
  ...webpackDiagnostics(readWebpackReports(join(OUTPUTS, combo, `pass-${pass}`)), APP),
  ...pageDataDiagnostics(stderr(combo, pass)),
];
const keys = (diagnostics: BuildDiagnostic[], severity: BuildDiagnostic['severity']) => [...byRoute(diagnostics, severity).keys()].sort();

describe('Turbopack: the routes its report names, errors apart from warnings', () => {
  it('pages, a failed pass: eval errors refuse, node: module warnings do not', () => {
    const found = turbopack('turbopack-pages', 1);
    expect(keys(found, 'error')).toEqual(['eval', 'shared-eval-b']);
    expect(keys(found, 'warning')).toEqual(['child-process', 'static-node-fs']);
    const evalError = byRoute(found, 'error').get('eval')![0];
    expect(evalError).toMatch(/^routes\/eval\.js:1:42\nError: Dynamic Code Evaluation .* not allowed in Edge Runtime\n> 1 \| export default/);
    expect(evalError).toContain('Ecmascript file had an error');
    expect(evalError).not.toMatch(/\.edgecompat\/cache|Import trace|\x1b/);
    // A helper outside the app keeps its path from the Turbopack root; its route is found in the trace.
    expect(byRoute(found, 'error').get('shared-eval-b')![0]).toMatch(/^\.\/test\/fixtures\/nextjs\/diagnostics\/shared-eval\.js:2:26\nError: /);
    expect(byRoute(found, 'warning').get('static-node-fs')![0]).toMatch(/^routes\/static-node-fs\.js:1:1\nWarning: A Node\.js module is loaded \('node:fs' at line 1\)/);
  });

  it('pages: the next pass names the other importer of the shared helper, and the pass that builds keeps the warnings', () => {
    expect(keys(turbopack('turbopack-pages', 2), 'error')).toEqual(['shared-eval-a']);
    const built = turbopack('turbopack-pages', 3);
    expect(keys(built, 'error')).toEqual([]);
    expect(keys(built, 'warning')).toEqual(['child-process', 'static-node-fs']);
  });

  it('app: a route that fails to load while Next collects page data is refused, one per pass, with the cause', () => {
    expect(keys(turbopack('turbopack-app', 1), 'error')).toEqual(['eval', 'shared-eval-b']);
    const third = turbopack('turbopack-app', 3);
    expect(keys(third, 'error')).toEqual(['child-process']);
    expect(keys(third, 'warning')).toEqual(['child-process', 'static-node-fs']);
    expect(byRoute(third, 'error').get('child-process')).toEqual([
      [
        'Failed to collect page data for /api/ec/child-process',
        'Failed to collect configuration for /api/ec/child-process',
        '[cause]: Error: Failed to load external module node:child_process: TypeError: Native module not found: node:child_process',
      ].join('\n'),
    ]);
    expect(keys(turbopack('turbopack-app', 4), 'error')).toEqual(['static-node-fs']);
    expect(byRoute(turbopack('turbopack-app', 5), 'error').get('throws-at-load')![0]).toContain('[cause]: Error: thrown while the module loads');
    expect(turbopack('turbopack-app', 6)).toEqual([]);
  });
});

describe('webpack: the diagnostics plugin reports, as data', () => {
  it('pages, a failed pass: every error attributed, a shared module to each importer, warnings apart', () => {
    const found = webpack('webpack-pages', 1);
    expect(keys(found, 'error')).toEqual(['child-process', 'dynamic-node-fs', 'eval', 'new-function', 'shared-eval-a', 'shared-eval-b', 'static-node-fs']);
    expect(keys(found, 'warning')).toEqual(['compression-stream', 'helper-warns', 'message-channel', 'process-cwd']);
    const errors = byRoute(found, 'error');
    expect(errors.get('static-node-fs')).toEqual(errors.get('dynamic-node-fs'));
    expect(errors.get('static-node-fs')![0]).toMatch(/^node:fs\nModule build failed: UnhandledSchemeError: Reading from "node:fs" is not handled by plugins/);
    expect(errors.get('static-node-fs')![0]).not.toMatch(/^\s+at /m);
    expect(errors.get('eval')).toEqual([
      "routes/eval.js\nDynamic Code Evaluation (e. g. 'eval', 'new Function', 'WebAssembly.compile') not allowed in Edge Runtime\nUsed by default\nLearn More: https://nextjs.org/docs/messages/edge-dynamic-code-evaluation",
    ]);
    expect(errors.get('shared-eval-a')).toEqual(errors.get('shared-eval-b'));
    expect(errors.get('shared-eval-a')![0]).toMatch(/^\.\/test\/fixtures\/nextjs\/diagnostics\/shared-eval\.js\nDynamic Code Evaluation/);
    const warnings = byRoute(found, 'warning');
    expect(warnings.get('process-cwd')).toEqual([
      'routes/process-cwd.js\nA Node.js API is used (process.cwd at line: 1) which is not supported in the Edge Runtime.\nLearn more: https://nextjs.org/docs/api-reference/edge-runtime',
    ]);
    expect(warnings.get('compression-stream')![0]).toContain('A Node.js API is used (CompressionStream at line: 1)');
    expect(warnings.get('helper-warns')![0]).toMatch(/^\.\/test\/fixtures\/nextjs\/diagnostics\/cwd-helper\.js\nA Node\.js API is used \(process\.cwd at line: 2\)/);
  });

  it('pages: the pass that builds reports the same warnings and no error', () => {
    const built = webpack('webpack-pages', 2);
    expect(keys(built, 'error')).toEqual([]);
    expect(keys(built, 'warning')).toEqual(['compression-stream', 'helper-warns', 'message-channel', 'process-cwd']);
  });

  it('app: node: modules are errors (entries with a loader query still name their route); the load failure comes from stderr', () => {
    expect(keys(webpack('webpack-app', 1), 'error')).toEqual(['child-process', 'dynamic-node-fs', 'static-node-fs']);
    expect(keys(webpack('webpack-app', 2), 'error')).toEqual(['throws-at-load']);
    expect(webpack('webpack-app', 3)).toEqual([]);
  });
});

describe('app plan', () => {
  const options: AppOptions = { router: 'pages', bundler: 'turbopack', packageRoot: '/pkg', dir: '/pkg/.edgecompat/cache/nextjs/h' };
  const plain = { caseId: 'c', key: 'k1', source: 'export default () => new Response("x")' };

  it('serves each route from a static entry, with one rewrite for its sub-paths, and keeps the route verbatim', () => {
    const pages = appPlan([plain], options);
    expect(pages.files.get('routes/k1.js')).toBe(plain.source);
    expect(pages.files.get('routes/package.json')).toContain('"type": "module"');
    expect(pages.files.get('package.json')).not.toContain('module');
    expect(pages.files.get(routeEntryPath('k1', 'pages'))).toMatch(/^import route from "\.\.\/\.\.\/\.\.\/routes\/k1\.js";\nexport const config = \{ runtime: 'edge' \}/);
    expect(pages.files.get('next.config.mjs')).toContain("source: '/api/ec/:key/:path+', destination: '/api/ec/:key'");
    expect(pages.files.get('next.config.mjs')).toContain('turbopack: { root: "/pkg" }');
    expect(pages.files.get('next.config.mjs')).not.toMatch(/webpack|experimental/);
    const app = appPlan([plain], { ...options, router: 'app', bundler: 'webpack' });
    expect(app.files.get('app/api/ec/k1/route.js')).toMatch(/^import route from "\.\.\/\.\.\/\.\.\/\.\.\/routes\/k1\.js";\nexport const runtime = 'edge'[\s\S]*handler as GET[\s\S]*handler as OPTIONS/);
    expect(app.files.get('next.config.mjs')).toMatch(/import \{ EdgecompatDiagnostics \}[\s\S]*webpackBuildWorker: true[\s\S]*config\.plugins\.push/);
    expect(app.files.get('edgecompat-diagnostics.mjs')).toContain('class EdgecompatDiagnostics');
    expect(routeKeyOfPath('app/api/ec/k1/route.js')).toBe('k1');
    expect(routeKeyOfPath('pages/api/ec/k1.js')).toBe('k1');
    expect(routeKeyOfPath('routes/k1.ts')).toBe('k1');
    expect(routeKeyOfPath('pages/api/ec/k1/x.js')).toBeUndefined();
  });

  it('builds a route from a file where it lives, and an inline route with imports beside its case file', () => {
    const fromFile = { ...plain, key: 'f', origin: { source: 'x', lang: 'ts' as const, file: '/work/suite/routes/r.ts', resolveDir: '/work/suite/routes' } };
    const inline = { ...plain, key: 'i', origin: { source: "import './lib.ts'", lang: 'ts' as const, resolveDir: '/work/suite' } };
    const bare = { ...plain, key: 'b', origin: { source: "import 'node:buffer'", lang: 'js' as const, resolveDir: '/work/suite' } };
    const inputs = new Map<string, RouteInputs>([
      ['f', { imports: true, files: { '/work/suite/routes/r.ts': '1', '/work/shared/lib.ts': '2' } }],
      ['i', { imports: true, files: {} }],
      ['b', { imports: false, files: {} }],
    ]);
    const plan = appPlan([fromFile, inline, bare], { ...options, inputs, tag: 'abc' });
    expect(plan.files.get('pages/api/ec/f.js')).toContain('import route from "../../../../../../../../work/suite/routes/r.ts";');
    expect(plan.beside).toEqual(new Map([['/work/suite/.edgecompat-abc-i.ts', "import './lib.ts'"]]));
    expect(plan.files.get('pages/api/ec/i.js')).toContain('"../../../../../../../../work/suite/.edgecompat-abc-i.ts"');
    expect(plan.files.get('routes/b.js')).toBe("import 'node:buffer'");
    expect(plan.root).toBe('/');
    expect(plan.files.get('next.config.mjs')).toContain('externalDir: true');
    expect(plan.routeFiles.get('b')).toEqual(['pages/api/ec/b.js', 'routes/b.js']);
    expect(plan.routeFiles.get('f')).toEqual(['pages/api/ec/f.js']);
    // The draft (tag pending) and the final plan differ only by the names of the files beside.
    const draft = appPlan([fromFile, inline, bare], { ...options, inputs });
    expect([...draft.beside.keys()]).toEqual(['/work/suite/.edgecompat-pending-i.ts']);
  });

  it('refuses a key that is not a safe path segment, and hashes any change of input', () => {
    expect(() => appPlan([{ caseId: 'c', key: '../x', source: '' }], options)).toThrow(/not made of/);
    const files = appPlan([plain], options).files;
    const changed = appPlan([{ ...plain, source: `${plain.source} ` }], options).files;
    expect(buildHash(files, { next: '1' })).toBe(buildHash(new Map(files), { next: '1' }));
    expect(buildHash(files, { next: '1' })).not.toBe(buildHash(files, { next: '2' }));
    expect(buildHash(files, { next: '1' })).not.toBe(buildHash(changed, { next: '1' }));
  });
});

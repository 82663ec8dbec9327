/**
 * The package as users install it: `npm pack`, then `npm i -D` of the tarball into a fresh project,
 * where `npx edgecompat run` takes the Worker example's config, `npx vitest run` runs its cases
 * through `edgecompat/vitest`, plain Node imports the API, and TypeScript finds the entry points'
 * types. The tarball ships what runs and nothing of the tests.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'edgecompat-pack-'));
const project = join(dir, 'my-worker');
let tarball = '';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
const sh = (command: string, args: string[], cwd = project) => spawnSync(command, args, { cwd, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });

beforeAll(() => {
  // npm pack runs prepack, which writes the entry points' types.
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 }));
  tarball = join(dir, packed[0].filename);
  // A fresh project: the Worker example as an app team has it, with edgecompat and vitest installed.
  cpSync(join(ROOT, 'examples/worker'), project, { recursive: true, filter: (src) => !src.includes('node_modules') && !src.includes('edgecompat-report') });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-worker', private: true, type: 'module' }, null, 2));
  const installed = sh('npm', ['install', '--save-dev', '--prefer-offline', tarball, `vitest@${pkg.devDependencies.vitest}`, `@types/node@${pkg.devDependencies['@types/node']}`, `typescript@${pkg.devDependencies.typescript}`]);
  if (installed.status !== 0) throw new Error(`npm install failed:\n${installed.stderr}`);
}, 600_000);

describe('the packed tarball', () => {
  it('holds the sources, data and types that run, and no tests or fixtures', () => {
    const files = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'api/index.mjs', 'api/vitest.mjs', 'api/runner-kit.mjs', 'types/api/index.d.ts', 'types/api/vitest.d.ts', 'types/api/runner-kit.d.ts', 'cli/bin.mjs', 'schemas/config.schema.json', 'profiles/vercel.yaml']));
    expect(files.filter((f) => f.startsWith('suites/') && f.endsWith('.yaml')).length).toBeGreaterThan(50);
    expect(files.filter((f) => /\.test\.ts$|(^|\/)fixtures\/|^test\/|^scripts\/|^\.edgecompat\//.test(f))).toEqual([]);
    // Every export of package.json points at a file that ships.
    for (const entry of Object.values(pkg.exports as Record<string, string | Record<string, string>>)) {
      for (const target of typeof entry === 'string' ? [entry] : Object.values(entry)) expect(files).toContain(target.replace(/^\.\//, ''));
    }
  });

  it('runs the Worker example with npx edgecompat run and its config', () => {
    const ran = sh('npx', ['edgecompat', 'run']);
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stderr).toContain('edgecompat: config edgecompat.config.yaml');
    const config = readFileSync(join(project, 'edgecompat.config.yaml'), 'utf8');
    const out = /^out:\s*(\S+)/m.exec(config)?.[1] ?? 'edgecompat-report';
    const report = JSON.parse(readFileSync(join(project, out, 'report.json'), 'utf8'));
    expect(report.results.length).toBeGreaterThan(0);
    expect(report.results.filter((r: { status: string }) => r.status !== 'SKIP').length).toBeGreaterThan(0);
    expect(report.targets.map((t: { version: string }) => t.version)).not.toContain('unknown');
  });

  it("runs the same cases as vitest tests through the example's own edge.test.mjs (edgecompat/vitest)", () => {
    const ran = sh('npx', ['vitest', 'run', '--reporter=json', '--outputFile=vitest.json']);
    expect(ran.status, ran.stderr + ran.stdout).toBe(0);
    const json = JSON.parse(readFileSync(join(project, 'vitest.json'), 'utf8'));
    const tests = json.testResults.flatMap((f: { assertionResults: { ancestorTitles: string[]; title: string; status: string }[] }) => f.assertionResults);
    expect(tests.length).toBeGreaterThan(0);
    expect(tests.every((t: { ancestorTitles: string[] }) => t.ancestorTitles.length === 1)).toBe(true);
    expect(tests.filter((t: { status: string }) => t.status === 'passed').length).toBeGreaterThan(0);
    expect(tests.filter((t: { status: string }) => t.status === 'failed')).toEqual([]);
  });

  it('is importable from plain Node, and typed', () => {
    const loaded = sh(process.execPath, ['--input-type=module', '-e', "const { loadCases } = await import('edgecompat'); const { RUNNER_INTERFACE_VERSION } = await import('edgecompat/runner-kit'); const cases = await loadCases(['edgecompat/cases']); console.log(JSON.stringify({ n: cases.length, v: RUNNER_INTERFACE_VERSION }));"]);
    expect(loaded.status, loaded.stderr).toBe(0);
    const out = JSON.parse(loaded.stdout);
    expect(out.n).toBeGreaterThan(0);
    expect(out.v).toBeGreaterThan(0);
    // TypeScript resolves the three entry points' types from the package (with Node's types, as any
    // Node tool's need); the last line is wrong on purpose.
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] }, files: ['typed.ts'] }));
    writeFileSync(join(project, 'typed.ts'), [
      "import { run, type Report } from 'edgecompat';",
      "import { RUNNER_INTERFACE_VERSION } from 'edgecompat/runner-kit';",
      "import { edgecompatTests } from 'edgecompat/vitest';",
      "export const report: Promise<Report> = run({ suite: ['edgecompat/cases'], targets: ['workerd'] });",
      'export const version: number = RUNNER_INTERFACE_VERSION;',
      'export const declare: () => Promise<void> = () => edgecompatTests({ config: "edgecompat.config.yaml" });',
      'export const wrong: string = RUNNER_INTERFACE_VERSION;',
      '',
    ].join('\n'));
    const checked = sh('npx', ['tsc', '-p', '.']);
    expect(checked.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^typed\.ts\(7,14\): error TS2322: Type 'number' is not assignable to type 'string'\.$/)]);
  });
});

it('leaves nothing of the project behind in the package folder', () => {
  expect(readdirSync(ROOT)).not.toContain(`edgecompat-${pkg.version}.tgz`);
});

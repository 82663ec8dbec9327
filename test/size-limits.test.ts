/**
 * Size limits as the columns apply them: the generated payloads, the limits read from the profiles,
 * the platforms' refusals, Vercel's join of a Next build's files, and the deploy phase end to end on
 * the edge-runtime column (Vercel Hobby) through the CLI: a route over the limit never starts, its
 * case's detail holds the figures and the source, and other columns SKIP a case that states Hobby.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { measureCode, refusalMessage, resolveSizeLimit, sizeFigures } from '../profiles/code-size.ts';
import { loadCases } from '../core/cases/load-cases.ts';
import { payloadText, withPayload } from '../core/cases/payload.ts';
import type { Report } from '../core/report/report-types.ts';
import { validateReport } from '../schemas/validators.ts';
import { nextDeployedCode } from '../runners/nextjs/deployed-code.ts';
import { columnSizeLimit } from '../runners/size-limits.ts';
import { TARGETS } from '../runners/registry.ts';

const BIN = new URL('../cli/bin.mjs', import.meta.url).pathname;
const FIXTURE = new URL('./fixtures/size-limits/', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgecompat-size-'));
  dirs.push(dir);
  return dir;
};

describe('size-limit case files', () => {
  it('name the line of an unknown size limit and of a payload without its token', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), [
      'area: size-limits', 'feature: bad', 'source: https://example.com/', 'cases:',
      '  - id: size-limits/bad/a', '    title: a', '    sizeLimit: vercel/gold', "    route: 'export default () => new Response(\"a\")'",
      '  - id: size-limits/bad/b', '    title: b', '    payload: { bytes: 10, kind: repeat }', "    route: 'export default () => new Response(\"b\")'", '',
    ].join('\n'));
    const error = await loadCases([dir], dir).catch((e: unknown) => e as Error);
    expect(String((error as Error).message)).toContain('bad.yaml:7 /cases/0/sizeLimit: no profile has the size limit "vercel/gold"');
    expect(String((error as Error).message)).toContain('bad.yaml:11 /cases/1/payload: a payload needs an inline route with the string "$PAYLOAD"');
  });
});

describe('payloads', () => {
  it('are the same for the same seed, differ by seed, and gzip as their kind says', () => {
    const a = payloadText({ bytes: 200_000, kind: 'random', seed: 1 });
    expect(a).toHaveLength(200_000);
    expect(payloadText({ bytes: 200_000, kind: 'random', seed: 1 })).toBe(a);
    expect(payloadText({ bytes: 200_000, kind: 'random', seed: 2 })).not.toBe(a);
    expect(a).toMatch(/^[A-Za-z0-9+/]+$/);
    const ratio = gzipSync(a).length / a.length;
    expect(ratio).toBeGreaterThan(0.74);
    expect(ratio).toBeLessThan(0.77);
    expect(gzipSync(payloadText({ bytes: 200_000, kind: 'repeat' })).length).toBeLessThan(1000);
    expect(withPayload('const p = "$PAYLOAD"; const q = "$PAYLOAD";', { bytes: 3, kind: 'repeat' })).toBe('const p = "aaa"; const q = "aaa";');
  });
});

describe('limits from the profiles', () => {
  it('resolves a profile to its default plan and a plan by name, and refuses unknown ones by name', () => {
    expect(resolveSizeLimit('vercel')).toMatchObject({ id: 'vercel/hobby', bytes: 1_048_576, compression: 'gzip', label: 'Vercel Hobby' });
    expect(resolveSizeLimit('cloudflare/paid')).toMatchObject({ bytes: 10 * 1024 * 1024, display: '10 MiB', compression: 'gzip' });
    expect(resolveSizeLimit('cloudflare/uncompressed-2026')).toMatchObject({ bytes: 64 * 1024 * 1024, compression: 'none' });
    expect(resolveSizeLimit('nextjs')).toMatchObject({ id: 'nextjs/edge-api-route', compression: 'none' });
    expect(() => resolveSizeLimit('vercel/gold')).toThrow(/profile "vercel" has no plan "gold"; its plans: hobby, pro, enterprise/);
    expect(() => resolveSizeLimit('heroku')).toThrow(/no such platform profile/);
  });

  it('gives each column the limit of the platform its runtime stands for, and its setting picks another', () => {
    const limitOf = (name: string) => columnSizeLimit(TARGETS.find((t) => t.name === name)!)?.id;
    expect(limitOf('edge-runtime')).toBe('vercel/hobby');
    expect(limitOf('workerd')).toBe('cloudflare/free');
    expect(limitOf('deno')).toBe('deno-deploy/classic');
    expect(limitOf('nextjs')).toBe('nextjs/edge-api-route');
    expect(limitOf('nextjs-app')).toBe('vercel/hobby');
    expect(limitOf('edge-runtime+vercel-pro')).toBe('vercel/pro');
    expect(limitOf('deno+netlify')).toBe('netlify/edge-functions');
    expect(limitOf('node')).toBeUndefined();
    expect(limitOf('bun')).toBeUndefined();
  });

  it("words a refusal as the platform does, and measures what it counts (gzip or as is)", () => {
    const measure = { rawBytes: 2_000_000, gzipBytes: 1_100_000 };
    const hobby = resolveSizeLimit('vercel/hobby');
    expect(refusalMessage(sizeFigures(measure, hobby), hobby, 'api/x')).toBe('The Edge Function "api/x" size is 1.05 MB and your plan size limit is 1 MB. Learn More: https://vercel.link/edge-function-size');
    const free = resolveSizeLimit('cloudflare/free');
    expect(sizeFigures(measure, free).over).toBe(false);
    const seed = resolveSizeLimit('nextjs');
    expect(sizeFigures(measure, seed)).toMatchObject({ measuredBytes: 2_000_000, over: true });
    const netlify = resolveSizeLimit('netlify');
    expect(refusalMessage(sizeFigures({ rawBytes: 1, gzipBytes: 21_000_000 }, netlify), netlify, 'f')).toBe('f is 21,000,000 B after gzip, over the Netlify Edge Functions limit of 20 MB');
    expect(measureCode(['ab', Buffer.from('cd')])).toEqual({ rawBytes: 4, gzipBytes: gzipSync('abcd').length });
  });
});

describe("a Next build's output as Vercel's builder counts it", () => {
  it("joins the function's files after `let _ENTRIES = {};` with /**/; separators, then its wasm", () => {
    const app = tempDir();
    mkdirSync(join(app, '.next/server/edge/chunks'), { recursive: true });
    writeFileSync(join(app, '.next/server/edge/chunks/a.js'), 'A();');
    writeFileSync(join(app, '.next/server/edge/chunks/b.js'), 'B();');
    writeFileSync(join(app, '.next/server/edge/m.wasm'), Buffer.from([0, 97, 115, 109]));
    const manifest = { functions: { '/api/ec/k/route': { page: '/api/ec/k/route', files: ['server/edge/chunks/a.js', 'server/edge/chunks/b.js'], wasm: [{ name: 'wasm_m', filePath: 'server/edge/m.wasm' }] } } };
    writeFileSync(join(app, '.next/server/middleware-manifest.json'), JSON.stringify(manifest));
    const parts = nextDeployedCode(app, 'k')!;
    expect(Buffer.concat(parts).toString('latin1')).toBe('let _ENTRIES = {};\n/**/;A();\n/**/;B();\0asm');
    expect(nextDeployedCode(app, 'other')).toBeUndefined();
  });
});

describe('the deploy phase of a column', () => {
  it('refuses a route over the limit before the target starts, with the figures and the source in its detail', async () => {
    const out = tempDir();
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'run', '--suite', FIXTURE, '--targets', 'edge-runtime,edge-runtime+vercel-pro,node', '--out', out], { stdio: 'ignore' });
      child.on('close', resolve);
    });
    expect(code).toBe(1); // the third case fails: a route over the limit does not deploy
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Report;
    expect(validateReport(report)).toBe(true);
    const result = (target: string, id: string) => report.results.find((r) => r.target === target && r.caseId === `size-limits/fixture/${id}`)!;
    const under = result('edge-runtime', 'under');
    expect(under.status).toBe('PASS');
    expect(under.observation.size).toMatchObject({ limit: 'vercel/hobby', compression: 'gzip', over: false, source: 'https://vercel.com/docs/functions/limitations' });
    expect(under.message).toMatch(/^as expected \(deployed: raw [\d,]+ B, gzip [\d,]+ B; limit 1,048,576 B after gzip \(vercel\/hobby, https:\/\/vercel.com\/docs\/functions\/limitations\)\)$/);
    const over = result('edge-runtime', 'over');
    expect(over.status).toBe('PASS');
    expect(over.observation.loadError).toMatchObject({ name: 'DeployError', phase: 'deploy' });
    expect(over.observation.steps).toEqual([]);
    expect(over.observation.size!.gzipBytes).toBeGreaterThan(1_048_576);
    expect(over.message).toContain('refused at deploy: DeployError: The Edge Function "size-limits/fixture/over" size is');
    expect(over.message).toContain('limit 1,048,576 B after gzip (vercel/hobby, https://vercel.com/docs/functions/limitations)');
    const wrong = result('edge-runtime', 'over-but-expected-to-deploy');
    expect(wrong.status).toBe('FAIL');
    expect(wrong.message).toMatch(/^expected the route to load, but it was refused at deploy: DeployError: The Edge Function .* size is 1\.0\d MB and your plan size limit is 1 MB/);
    // Other columns deploy under another limit, or none: the cases that state Hobby's are SKIP there.
    expect(result('edge-runtime+vercel-pro', 'under')).toMatchObject({ status: 'SKIP', message: expect.stringContaining('states the vercel/hobby size limit; edge-runtime+vercel-pro deploys under vercel/pro') });
    expect(result('node', 'over')).toMatchObject({ status: 'SKIP', message: expect.stringContaining('stands for no platform with a size limit') });
    const column = report.targets.find((t) => t.name === 'edge-runtime')!;
    expect(column.settings.sizeLimit).toBe('vercel/hobby');
    expect(column.sizeLimit).toMatchObject({ id: 'vercel/hobby', label: 'Vercel Hobby', display: '1 MB' });
  });
});

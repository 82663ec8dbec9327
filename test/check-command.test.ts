/**
 * `edgecompat check` as a user runs it (`node cli/bin.mjs check ...` in a child process): the
 * size it reports is gzip's (zlib's, as Vercel's builder and wrangler compute it) for the very bundle
 * it measured; a route just over 1 MB after gzip fails Vercel Hobby in Vercel's words and passes Pro;
 * discovery of Next routes and a Worker entry; exit codes 0, 1 and 2; GitHub annotations.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { payloadText } from '../core/cases/payload.ts';
import type { CheckReport } from '../core/check/run-check.ts';

const BIN = new URL('../cli/bin.mjs', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgecompat-check-'));
  dirs.push(dir);
  return dir;
}

function check(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'check', ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A route that holds `bytes` of seeded random base64 (gzip leaves about 3/4 of it) and reads it at request time. */
function bigRoute(bytes: number): string {
  return `const payload = "${payloadText({ bytes, kind: 'random', seed: 9 })}";\nexport default (request) => new Response(String([payload][Number(new URL(request.url).searchParams.get('i'))].length));\n`;
}

describe('edgecompat check: sizes', () => {
  it("reports gzip's own figure for the bundle it measured, and refuses Hobby in Vercel's words while Pro passes", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'helper.js'), 'export const greet = (name) => `hello ${name}`;\n');
    // An import, so that the bundle is esbuild's output and not the file as written.
    writeFileSync(join(dir, 'route.js'), `import { greet } from './helper.js';\n${bigRoute(1_420_000).replace('String(', 'greet(String(').replace('.length))', '.length)))')}`);
    const bundles = join(dir, 'bundles');
    const ran = await check(['route.js', '--platform', 'vercel/hobby,vercel/pro', '--format', 'json', '--bundle-dir', bundles], dir);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(1);
    const report = JSON.parse(ran.stdout) as CheckReport;
    const [route] = report.routes;
    const [hobby, pro] = route.sizes;
    // The figures are those of the bundle written out, measured here with zlib (the library both
    // platforms gzip with; GNU gzip's own deflate gives other sizes for the same bytes).
    const written = readFileSync(join(bundles, 'route.js.vercel-hobby.mjs'));
    expect(written.toString('utf8')).toContain('hello ');
    expect(hobby.rawBytes).toBe(written.length);
    expect(hobby.gzipBytes).toBe(gzipSync(written).length);
    expect(hobby.gzipBytes).toBeGreaterThan(1024 * 1024);
    expect(hobby.gzipBytes).toBeLessThan(1.05 * 1024 * 1024);
    expect(hobby).toMatchObject({ limit: 'vercel/hobby', limitBytes: 1_048_576, compression: 'gzip', over: true });
    const mb = (hobby.gzipBytes / 1024 / 1024).toFixed(2);
    expect(hobby.message).toContain(`The Edge Function "route.js" size is ${mb} MB and your plan size limit is 1 MB.`);
    expect(pro).toMatchObject({ limit: 'vercel/pro', limitBytes: 2_097_152, over: false, gzipBytes: hobby.gzipBytes });
    expect(pro.message).toBeUndefined();
    // Pro alone: the same route is clean.
    const proOnly = await check(['route.js', '--platform', 'vercel/pro'], dir);
    expect(proOnly.code).toBe(0);
    expect(proOnly.stdout).toMatch(/1 route\(s\) clean against vercel\/pro/);
  });

  it('counts a wasm file the route imports, as Vercel and Cloudflare count it', async () => {
    const dir = tempDir();
    const wasm = Buffer.concat([Buffer.from('\0asm\x01\0\0\0', 'latin1'), Buffer.alloc(50_000, 7)]);
    writeFileSync(join(dir, 'add.wasm'), wasm);
    writeFileSync(join(dir, 'route.js'), "import mod from './add.wasm?module';\nexport default async () => new Response(String(WebAssembly.Module.exports(mod).length));\n");
    const bundles = join(dir, 'bundles');
    const ran = await check(['route.js', '--platform', 'cloudflare', '--format', 'json', '--bundle-dir', bundles], dir);
    expect(ran.code).toBe(0);
    const [size] = (JSON.parse(ran.stdout) as CheckReport).routes[0].sizes;
    const code = readFileSync(join(bundles, 'route.js.cloudflare-free.mjs'));
    expect(readFileSync(join(bundles, 'route.js.cloudflare-free.1.wasm')).equals(wasm)).toBe(true);
    expect(size.rawBytes).toBe(code.length + wasm.length);
    expect(size.gzipBytes).toBe(gzipSync(Buffer.concat([code, wasm])).length);
  });
});

describe('edgecompat check: routes, exit codes and outputs', () => {
  it('finds the edge routes of a Next app and a Worker entry, and leaves Node routes alone', async () => {
    const dir = tempDir();
    const write = (path: string, text: string) => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    write('app/next.config.mjs', 'export default {};\n');
    write('app/pages/api/edge.ts', "export const config = { runtime: 'edge' };\nexport default () => new Response(String(eval('1 + 1')));\n");
    write('app/pages/api/experimental.js', "export const config = { runtime: 'experimental-edge' };\nexport default () => new Response('ok');\n");
    write('app/pages/api/node.js', "import fs from 'node:fs';\nexport default (req, res) => res.end(String(fs.existsSync('.')));\n");
    write('app/app/api/x/route.ts', "export const runtime = 'edge';\nexport const GET = () => new Response(process.cwd());\n");
    write('app/app/api/y/route.ts', "import fs from 'node:fs';\nexport const GET = () => new Response(String(fs.existsSync('.')));\n");
    write('app/middleware.ts', 'export default () => new Response(null, { headers: { "x-m": "1" } });\n');
    write('worker/wrangler.toml', 'name = "w"\nmain = "src/index.js"\ncompatibility_date = "2026-01-01"\n');
    write('worker/src/index.js', "import fs from 'node:fs';\nexport default { fetch: () => new Response(String(typeof fs)) };\n");
    const ran = await check(['app', 'worker', '--format', 'json'], dir);
    expect(ran.stderr).toBe('');
    const report = JSON.parse(ran.stdout) as CheckReport;
    const kinds = Object.fromEntries(report.routes.map((r) => [r.route, r.kind]));
    expect(kinds).toEqual({
      'app/app/api/x/route.ts': 'app-route',
      'app/middleware.ts': 'middleware',
      'app/pages/api/edge.ts': 'pages-api',
      'app/pages/api/experimental.js': 'pages-api',
      'worker/src/index.js': 'worker',
    });
    const by = (route: string) => report.routes.find((r) => r.route === route)!;
    // Next routes are checked against the seed's limit and Vercel's Hobby, a Worker against Workers Free.
    expect(by('app/pages/api/edge.ts').sizes.map((s) => s.limit)).toEqual(['nextjs/edge-api-route', 'vercel/hobby']);
    expect(by('worker/src/index.js').sizes.map((s) => s.limit)).toEqual(['cloudflare/free']);
    expect(by('app/pages/api/edge.ts').findings.map((f) => [f.platform, f.rule, f.line, f.column])).toEqual([['nextjs', 'eval', 2, 42], ['vercel', 'eval', 2, 42]]);
    expect(by('app/app/api/x/route.ts').findings.map((f) => [f.rule, f.what, f.line, f.column])[0]).toEqual(['process-member', 'process.cwd', 2, 39]);
    expect(by('app/app/api/x/route.ts').findings[0].message).toBe('A Node.js API is used (process.cwd) which is not supported in the Edge Runtime.');
    // Workers offer Node's modules (nodejs_compat): node:fs is no finding there.
    expect(by('worker/src/index.js').findings).toEqual([]);
    expect(by('app/middleware.ts').findings).toEqual([]);
    expect(ran.code).toBe(1);
  });

  it('exits 0 on clean routes, and prints GitHub annotations at the line of each use', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'clean.js'), "export default (request) => new Response(new URL(request.url).pathname);\n");
    writeFileSync(join(dir, 'bad.js'), "export default () => {\n  return new Response(String(new Function('return 1')()));\n};\n");
    expect((await check(['clean.js'], dir)).code).toBe(0);
    const ran = await check(['bad.js', 'clean.js', '--format', 'github', '--platform', 'vercel'], dir);
    expect(ran.code).toBe(1);
    expect(ran.stdout.trim().split('\n')).toEqual([
      "::error file=bad.js,line=2,col=30,title=edgecompat new-function%3A new Function::vercel: Dynamic Code Evaluation (e. g. 'eval', 'new Function', 'WebAssembly.compile') not allowed in Edge Runtime (new Function)",
    ]);
  });

  it('exits 2 on bad input, naming the file: no such file, a syntax error, an unknown platform, no route', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.js'), 'export default () => {\n  return new Response(;\n};\n');
    mkdirSync(join(dir, 'empty'));
    const missing = await check(['nope.js'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.js: no such file or folder');
    const broken = await check(['broken.js'], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.js:2:\d+/);
    expect(broken.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const platform = await check(['broken.js', '--platform', 'vercel/free'], dir);
    expect(platform.code).toBe(2);
    expect(platform.stderr).toContain('profile "vercel" has no plan "free"; its plans: hobby, pro, enterprise');
    const empty = await check(['empty'], dir);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('neither a Next.js app');
    expect(readdirSync(dir).sort()).toEqual(['broken.js', 'empty']);
  });
});

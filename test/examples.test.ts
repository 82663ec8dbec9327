/**
 * examples/ is the tutorial of the CI gate (examples/README.md); this holds it to what it says, with
 * the CLI run as a user runs it (`node cli/bin.mjs ...` in a child process):
 * - both example apps pass their own gates: `check` on the app folder and `run --config` with the
 *   app's config exit 0, the known failures of its expectations file being the only results that
 *   are not PASS;
 * - in copies of the Next.js app (under .edgecompat/tmp/, where its packages resolve from the
 *   project's node_modules), each change the tutorial warns about fails the gate, naming the route
 *   and the rule: (a) `eval` in a route, (b) the streaming route buffering its body, (c) a route
 *   past 1 MB after gzip. `check` catches (a) and (c), statically; `run` catches all three. The
 *   copies have fixed paths and deterministic content, so the nextjs runner's build cache serves
 *   the copy's Next build after the first run;
 * - the GitHub Actions workflow uses only commands and options the CLI has, and its jobs, run in
 *   order on a copy of the Worker (shards, merge --gate, report), pass, and fail once a result does.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildProgram } from '../cli/main.ts';
import { payloadText } from '../core/cases/payload.ts';
import type { Report, Result } from '../core/report/report-types.ts';
import { PACKAGE_ROOT } from '../runners/host/binaries.ts';

const BIN = join(PACKAGE_ROOT, 'cli', 'bin.mjs');
const NEXT_APP = join(PACKAGE_ROOT, 'examples', 'next-app');
const WORKER = join(PACKAGE_ROOT, 'examples', 'worker');
const WORKFLOW = join(NEXT_APP, '.github', 'workflows', 'edgecompat.yml');
/** Copies of the apps live here: under the project, so `nanoid`, `next` and `react` resolve. */
const TMP = join(PACKAGE_ROOT, '.edgecompat', 'tmp');
const NEXT_BUILD_MS = 420_000;

const cleanup: string[] = [];
afterAll(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A temporary folder outside the project (reports). */
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgecompat-examples-'));
  cleanup.push(dir);
  return dir;
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a user does; GITHUB_ACTIONS is unset so that the output is the terminal's. */
function cli(args: string[], cwd: string): Promise<Ran> {
  return new Promise((resolve) => {
    const env = { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' };
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const readReport = (dir: string): Report => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
/** The cells that fail the gate, as `target caseId`, sorted. */
const gateFailures = (report: Report) => report.results.filter((r) => r.gate).map((r) => `${r.target} ${r.caseId}`).sort();
const cell = (report: Report, target: string, caseId: string): Result => report.results.find((r) => r.target === target && r.caseId === caseId)!;
const skipped = (report: Report, target: string) => report.targets.find((t) => t.name === target)?.skipped !== undefined;

/** A copy of an app under .edgecompat/tmp/<name> (fixed, so that a Next build of it is cached). */
function copyApp(app: string, name: string): string {
  const dir = join(TMP, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  cpSync(app, dir, { recursive: true, filter: (src) => !/[\\/](?:node_modules|edgecompat-report|\.next)$/.test(src) });
  cleanup.push(dir);
  return dir;
}

/** Replaces `from` (which must be there) with `to` in a file of `dir`. */
function edit(dir: string, file: string, from: string, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  expect(text, `${file} holds the text the change replaces`).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

/** The changes the tutorial warns about, each made to a copy of the Next.js app. */
const CHANGES = {
  /** (a) The items route evaluates code from a string, at line 9, column 17. */
  eval(dir: string) {
    edit(dir, 'app/api/items/route.ts', "const query = new URL(request.url).searchParams.get('q')?.toLowerCase();", "const query = eval(\"new URL(request.url).searchParams.get('q')\")?.toLowerCase();");
  },
  /** (b) The progress route builds its whole body before it responds, instead of streaming it. */
  buffer(dir: string) {
    edit(dir, 'app/api/progress/route.ts', 'export function GET(request: Request): Response {', 'export async function GET(request: Request): Promise<Response> {');
    edit(
      dir,
      'app/api/progress/route.ts',
      `  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (let step = 1; step <= steps; step++) {
        if (step > 1) await sleep(STEP_MS);
        controller.enqueue(encoder.encode(\`\${JSON.stringify({ step, of: steps })}\\n\`));
      }
      controller.close();
    },
  });`,
      `  let body = '';
  for (let step = 1; step <= steps; step++) {
    if (step > 1) await sleep(STEP_MS);
    body += \`\${JSON.stringify({ step, of: steps })}\\n\`;
  }`,
    );
  },
  /** (c) The hello route serves photos inlined as 1.7 MB of base64 (incompressible: 1.3 MB after gzip). */
  big(dir: string) {
    writeFileSync(join(dir, 'lib', 'photos.ts'), `// Product photos, inlined as base64.\nexport const PHOTOS: Record<string, string> = { ada: '${payloadText({ bytes: 1_700_000, kind: 'random', seed: 7 })}' };\n`);
    edit(dir, 'pages/api/hello.ts', "import { json } from '../../lib/http';", "import { json } from '../../lib/http';\nimport { PHOTOS } from '../../lib/photos';");
    edit(dir, 'pages/api/hello.ts', 'return json({ message: `Hello, ${name}!` });', 'return json({ message: `Hello, ${name}!`, photo: PHOTOS[name.toLowerCase()] ?? null });');
  },
};

describe('examples/next-app passes its gate', () => {
  it('check: every edge route of the app is clean', async () => {
    const ran = await cli(['check', 'examples/next-app'], PACKAGE_ROOT);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    for (const route of ['app/api/items/route.ts', 'app/api/progress/route.ts', 'app/api/catalog/route.ts', 'pages/api/hello.ts']) expect(ran.stdout).toContain(`✓ examples/next-app/${route}`);
    expect(ran.stdout).toContain('edgecompat check: 4 route(s) clean against nextjs/edge-api-route, vercel/hobby');
  });

  it('run --config: every case passes on edge-runtime and nextjs-app, but the known failure', async () => {
    const out = tempDir();
    const ran = await cli(['run', '--config', 'examples/next-app/edgecompat.config.yaml', '--out', out], PACKAGE_ROOT);
    expect(ran.code, ran.stderr).toBe(0);
    const report = readReport(out);
    expect(report.targets.map((t) => t.name)).toEqual(['edge-runtime', 'nextjs-app']);
    expect(gateFailures(report)).toEqual([]);
    const notPass = report.results.filter((r) => r.status !== 'PASS' && r.status !== 'SKIP');
    if (skipped(report, 'nextjs-app')) return;
    // Next (16.4.6) sets a header on a route handler's response, and Response.redirect's headers
    // are immutable: the known failure the expectations file records, with that reason.
    expect(notPass.map((r) => `${r.target} ${r.caseId} ${r.status}`)).toEqual(['nextjs-app api/catalog/redirects-to-items FAIL']);
    expect(notPass[0].message).toContain('TypeError: immutable');
    expect(cell(report, 'edge-runtime', 'api/catalog/redirects-to-items').status).toBe('PASS');
  }, NEXT_BUILD_MS);
});

describe('examples/worker passes its gate', () => {
  it('check: the Worker (wrangler.toml main) is clean for Workers Free', async () => {
    const ran = await cli(['check', 'examples/worker'], PACKAGE_ROOT);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('✓ examples/worker/src/index.ts  (worker)');
    expect(ran.stdout).toContain('1 route(s) clean against cloudflare/free');
  });

  it('run --config: every case passes on workerd and miniflare, but the known failure', async () => {
    const out = tempDir();
    const ran = await cli(['run', '--config', 'examples/worker/edgecompat.config.yaml', '--out', out], PACKAGE_ROOT);
    expect(ran.code, ran.stderr).toBe(0);
    const report = readReport(out);
    expect(report.targets.map((t) => [t.name, t.settings.compatibilityDate])).toEqual([['workerd-2026-07-01', '2026-07-01'], ['miniflare-2026-07-01', '2026-07-01']]);
    expect(gateFailures(report)).toEqual([]);
    const notPass = report.results.filter((r) => r.status !== 'PASS' && r.status !== 'SKIP');
    if (skipped(report, 'workerd-2026-07-01') || skipped(report, 'miniflare-2026-07-01')) return;
    // workerd alone has no cache behind caches.default; miniflare, as wrangler dev, has one.
    expect(notPass.map((r) => `${r.target} ${r.caseId} ${r.status}`)).toEqual(['workerd-2026-07-01 quotes/cache/second-request-is-a-hit FAIL']);
    expect(notPass[0].message).toContain('No Cache was configured');
    expect(cell(report, 'miniflare-2026-07-01', 'quotes/cache/second-request-is-a-hit').status).toBe('PASS');
  }, 120_000);
});

describe('a change the tutorial warns about fails the gate', () => {
  it('check (a): eval in a route is named at its file, line and column, with the no-eval rule', async () => {
    const dir = copyApp(NEXT_APP, 'examples-check-eval');
    CHANGES.eval(dir);
    const ran = await cli(['check', '.'], dir);
    expect(ran.code, ran.stderr).toBe(1);
    expect(ran.stdout).toContain('✗ app/api/items/route.ts  (app-route)');
    expect(ran.stdout).toMatch(/^ {4}app\/api\/items\/route\.ts:9:17 {2}eval {2}eval$/m);
    expect(ran.stdout).toContain("vercel: Dynamic Code Evaluation (e. g. 'eval', 'new Function', 'WebAssembly.compile') not allowed in Edge Runtime (eval)");
    expect(ran.stdout).toContain('edgecompat check: 1 route(s) with forbidden uses, 0 over a size limit, of 4');
  });

  it('check (b): a route that buffers its body is not something a static check can see', async () => {
    const dir = copyApp(NEXT_APP, 'examples-check-buffer');
    CHANGES.buffer(dir);
    const ran = await cli(['check', '.'], dir);
    expect(ran.code, ran.stdout).toBe(0);
  });

  it("check (c): a route past 1 MB after gzip is named with Vercel's 1 MB limit and its refusal", async () => {
    const dir = copyApp(NEXT_APP, 'examples-check-big');
    CHANGES.big(dir);
    const ran = await cli(['check', '.'], dir);
    expect(ran.code, ran.stderr).toBe(1);
    expect(ran.stdout).toContain('✗ pages/api/hello.ts  (pages-api)');
    expect(ran.stdout).toMatch(/vercel\/hobby +raw [\d,]+ B, gzip 1,[\d,]+ B; limit 1,048,576 B after gzip {2}OVER: The Edge Function "pages\/api\/hello\.ts" size is 1\.\d\d MB and your plan size limit is 1 MB\./);
    expect(ran.stdout).toContain('edgecompat check: 0 route(s) with forbidden uses, 1 over a size limit, of 4');
  });

  it('run: each change fails exactly the cases of its route, on both edge columns, with the rule in the message', async () => {
    const dir = copyApp(NEXT_APP, 'examples-gate');
    CHANGES.eval(dir);
    CHANGES.buffer(dir);
    CHANGES.big(dir);
    const out = tempDir();
    const ran = await cli(['run', '--out', out], dir);
    expect(ran.code, ran.stderr).toBe(1);
    const report = readReport(out);
    const nextBuilt = !skipped(report, 'nextjs-app');
    const hello = ['api/hello/greets-by-name', 'api/hello/greets-the-world-by-default'];
    const itemsGet = ['api/items/get-lists-the-catalogue', 'api/items/get-filters-by-query'];
    const items = [...itemsGet, 'api/items/post-creates-an-item', 'api/items/post-refuses-a-bad-item', 'api/items/post-refuses-a-body-that-is-not-json', 'api/items/delete-is-405', 'api/items/options-lists-the-methods'];
    const progress = 'api/progress/streams-each-step-as-it-finishes';
    const expected = [
      ...[...hello, ...itemsGet, progress].map((id) => `edge-runtime ${id}`),
      ...(nextBuilt ? [...hello, ...items, progress].map((id) => `nextjs-app ${id}`) : []),
    ].sort();
    // Only the changed routes' cases fail (the known failure stays known); every one is a regression.
    expect(gateFailures(report)).toEqual(expected);
    expect(report.results.filter((r) => r.gate).every((r) => r.gate === 'regression')).toBe(true);
    const message = (target: string, id: string) => cell(report, target, id).message;
    for (const target of nextBuilt ? ['edge-runtime', 'nextjs-app'] : ['edge-runtime']) {
      // (c) The column's platform (Vercel Hobby) refuses the route at deploy, in its words.
      for (const id of hello) {
        expect(message(target, id)).toMatch(new RegExp(`refused at deploy: DeployError: The Edge Function "${id}" size is 1\\.\\d\\d MB and your plan size limit is 1 MB\\.`));
        expect(cell(report, target, id).observation.size).toMatchObject({ limit: 'vercel/hobby', over: true });
      }
      // (b) The first chunk no longer arrives before the route has finished (2 s).
      expect(message(target, progress)).toMatch(/expected the first chunk within 1000 ms, saw (\d+) ms/);
      expect(Number(/saw (\d+) ms/.exec(message(target, progress))![1])).toBeGreaterThanOrEqual(1900);
    }
    // (a) edge-runtime runs the route and throws Vercel's EvalError; Next refuses it at build, at its line.
    for (const id of itemsGet) expect(message('edge-runtime', id)).toMatch(/expected status 200, saw 500.*the target printed: EvalError: Code generation from strings disallowed for this context/);
    if (nextBuilt) {
      for (const id of items) {
        expect(message('nextjs-app', id)).toMatch(/rejected at build: BuildError: \S*app\/api\/items\/route\.ts:9:17\nError: Dynamic Code Evaluation \(e\. g\. 'eval', 'new Function', 'WebAssembly\.compile'\) not allowed in Edge Runtime/);
      }
    }
    // The terminal names each regression.
    expect(ran.stdout + ran.stderr).toContain(`! FAIL    ${progress} (regression)`);
  }, NEXT_BUILD_MS);
});

/** Every `npx edgecompat ...` line of the workflow, per job, with `${{ matrix.shard }}` made each value of the matrix. */
function workflowCommands(): Map<string, string[][]> {
  const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as {
    jobs: Record<string, { strategy?: { matrix?: { shard?: number[] } }; steps: Array<{ run?: string }> }>;
  };
  const jobs = new Map<string, string[][]>();
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const lines = job.steps.flatMap((step) => (step.run ?? '').split('\n')).map((line) => line.trim()).filter((line) => line.startsWith('npx edgecompat '));
    const shards = job.strategy?.matrix?.shard ?? [undefined];
    jobs.set(name, shards.flatMap((shard) => lines.map((line) => {
      expect(line, 'a command without quotes, so that splitting it on spaces gives its arguments').not.toMatch(/["'\\]/);
      const expanded = line.replaceAll('${{ matrix.shard }}', String(shard));
      expect(expanded).not.toContain('${{');
      return expanded.split(/\s+/).slice(2);
    })));
  }
  return jobs;
}

/**
 * The real program with each command's action replaced by one that does nothing: commander still
 * checks the command, its options, their values and the required ones, and throws (exitOverride).
 */
function quietProgram(): Command {
  const program = buildProgram();
  for (const command of [program, ...program.commands]) command.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  for (const command of program.commands) command.action(() => {});
  return program;
}

describe('the GitHub Actions workflow', () => {
  it('uses only commands and options the CLI has, and the shards cover 1/4 to 4/4', async () => {
    const jobs = workflowCommands();
    expect([...jobs.keys()]).toEqual(['check', 'run', 'merge']);
    const all = [...jobs.values()].flat();
    for (const args of all) {
      await expect(quietProgram().parseAsync(['node', 'edgecompat', ...args]), args.join(' ')).resolves.toBeDefined();
    }
    expect(jobs.get('check')).toEqual([['check', '.', '--format', 'github']]);
    expect(jobs.get('run')!.map((args) => args[args.indexOf('--shard') + 1])).toEqual(['1/4', '2/4', '3/4', '4/4']);
    expect(jobs.get('merge')!.map((args) => args[0])).toEqual(['merge', 'report']);
    expect(jobs.get('merge')![0]).toContain('--gate');
    // The check would catch an option the CLI lacks.
    await expect(quietProgram().parseAsync(['node', 'edgecompat', 'merge', 'a.json', '--out', 'b.json', '--no-such-option'])).rejects.toThrow(/unknown option/);
  });

  it("the check job's command passes on the app, with no annotation", async () => {
    const ran = await cli(workflowCommands().get('check')![0], NEXT_APP);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toBe('');
  });

  it('run in shards, merge --gate and report, as the jobs run them: the gate passes, then fails on a changed result', async () => {
    const jobs = workflowCommands();
    const dir = copyApp(WORKER, 'examples-workflow');
    // The Worker's cases on workerd only: the commands are the workflow's, the app a small one.
    writeFileSync(
      join(dir, 'edgecompat.config.yaml'),
      'suites: [edgecompat/cases]\ntargets: [{ name: workerd-2026-07-01, runner: workerd, settings: { compatibilityDate: "2026-07-01" } }]\nexpectations: edgecompat/expectations.yaml\nout: edgecompat-report\n',
    );
    const pipeline = async () => {
      rmSync(join(dir, 'shards'), { recursive: true, force: true });
      for (const [i, args] of jobs.get('run')!.entries()) {
        const ran = await cli(args, dir);
        expect(ran.code, ran.stderr).toBe(0);
        // What upload-artifact then download-artifact (pattern, one folder per artifact) make of it.
        mkdirSync(join(dir, 'shards', `edgecompat-shard-${i + 1}`), { recursive: true });
        cpSync(join(dir, 'edgecompat-report', 'report.json'), join(dir, 'shards', `edgecompat-shard-${i + 1}`, 'report.json'));
      }
      rmSync(join(dir, 'edgecompat-report'), { recursive: true, force: true });
      const [merge, report] = jobs.get('merge')!;
      const shards = [1, 2, 3, 4].map((i) => `shards/edgecompat-shard-${i}/report.json`);
      const merged = await cli(merge.flatMap((arg) => (arg === 'shards/*/report.json' ? shards : [arg])), dir);
      const rendered = existsSync(join(dir, 'edgecompat-report', 'report.json')) ? await cli(report, dir) : undefined;
      return { merged, rendered };
    };
    const passing = await pipeline();
    expect(passing.merged.code, passing.merged.stderr).toBe(0);
    expect(passing.merged.stderr).toContain('merged 4 report(s): 5 cases x 1 targets, 5 results');
    expect(passing.merged.stderr).toContain('gate passed');
    expect(passing.rendered?.code).toBe(0);
    expect(existsSync(join(dir, 'edgecompat-report', 'index.html'))).toBe(true);
    // The expectations now say the cache case passes on workerd, and that the 404 case fails.
    writeFileSync(join(dir, 'edgecompat', 'expectations.yaml'), 'targets:\n  workerd-2026-07-01:\n    quotes/api/unknown-quote-is-404: FAIL\n');
    const failing = await pipeline();
    expect(failing.merged.code).toBe(1);
    expect(failing.merged.stderr).toContain('gate failed: 2 problem(s)');
    expect(failing.merged.stderr).toContain('regression workerd-2026-07-01 quotes/cache/second-request-is-a-hit: regression: expected PASS, got FAIL: request 1: expected status 200, saw 500');
    expect(failing.merged.stderr).toContain('unexpected-pass workerd-2026-07-01 quotes/api/unknown-quote-is-404: unexpected pass: the expectations file says FAIL');
    // The merged report is written before the verdict, so the HTML is still rendered and uploaded.
    expect(failing.rendered?.code).toBe(0);
    expect(readReport(join(dir, 'edgecompat-report')).results.filter((r) => r.gate)).toHaveLength(2);
  }, 180_000);
});

/**
 * `edgecompat check` on a Next.js app, held to what `next build` itself says about the same app,
 * route by route. The app is test/fixtures/next-app/; check reads it where it is, and a copy of it
 * is built with the pinned next (16.4.6, Turbopack, its default) under .edgecompat/tmp/, in passes
 * (test/support/next-build.ts): pass 1 refuses pages/api/eval.ts, pass 2 refuses
 * app/api/node-fs/route.ts when Next fails to load it, pass 3 builds the rest.
 *
 * The fixture's forbidden uses, line:column as check must report them, and what Next printed:
 *
 *   pages/api/eval.ts             6:23 eval('1 + 1')               Next: error   6:23 Dynamic Code Evaluation
 *   pages/api/new-function.js     6:15 new Function('return 1')    Next: nothing
 *   app/api/require-fs/route.ts   6:14 require (rule require)      Next: nothing
 *                                 6:22 'fs' (rule node-builtin)
 *   app/api/node-fs/route.ts      3:16 'node:fs' (node-builtin)    Next: warning 3:1 A Node.js module is loaded
 *                                                                        error: Failed to collect page data (node:fs)
 *   app/api/process-cwd/route.ts  6:23 process.cwd                 Next: warning 6:23 A Node.js API is used
 *
 * Clean edge routes: pages/api/clean-pages.ts and app/api/clean/route.ts (they import lib/greet.ts
 * and the `yaml` package, and read process.env), and middleware.ts (edge by default; Next 16 prints
 * that the "middleware" file convention is deprecated in favour of "proxy", and still builds it for
 * the edge runtime). app/api/node-route/route.ts runs on Node.js and reads fs: neither check nor
 * Next may say anything about it. (The pages route is clean-pages, not clean: Next refuses two
 * routes for one path, "App Router and Pages Router both match path: /api/clean".)
 *
 * Next's reader is tested on the real stderr of each pass, captured in test/fixtures/next-app-build/
 * (capture again with `npx tsx test/fixtures/next-app-build/capture.ts`).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { CheckReport, Finding } from '../core/check/run-check.ts';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ForbiddenRule } from '../core/check/forbidden-uses.ts';
import { PACKAGE_ROOT } from '../runners/host/binaries.ts';
import { spawnTarget } from '../runners/host/process.ts';
import { CAPTURE_NAME } from './fixtures/next-app-build/capture.ts';
import { buildFixtureApp, diagnosticsByRoute, nextDiagnostics, routeFilesOf, type FixtureBuild, type NextDiagnostic } from './support/next-build.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/next-app', import.meta.url));
const CAPTURED = fileURLToPath(new URL('./fixtures/next-app-build', import.meta.url));
/** Where test/fixtures/next-app-build/capture.ts built the copy whose stderr it kept. */
const CAPTURE_PREFIX = `.edgecompat/tmp/${CAPTURE_NAME}`;
const log = (message: string) => console.log(`[check-next-app.test] ${message}`);

/** The fixture's edge routes: what check must list, of which kind. */
const EDGE_ROUTES = {
  'app/api/clean/route.ts': 'app-route',
  'app/api/node-fs/route.ts': 'app-route',
  'app/api/process-cwd/route.ts': 'app-route',
  'app/api/require-fs/route.ts': 'app-route',
  'middleware.ts': 'middleware',
  'pages/api/clean-pages.ts': 'pages-api',
  'pages/api/eval.ts': 'pages-api',
  'pages/api/new-function.js': 'pages-api',
} as const;
type EdgeRoute = keyof typeof EDGE_ROUTES;
const NODE_ROUTE = 'app/api/node-route/route.ts';

/** One finding of check, as asserted: rule, line, column, what, in the route file itself. */
interface Expected {
  rule: ForbiddenRule;
  line: number;
  column: number;
  what: string;
}
/** What check must find in each edge route (in its own file; none comes through an import). */
const CHECK_FINDS: Record<EdgeRoute, Expected[]> = {
  'pages/api/eval.ts': [{ rule: 'eval', line: 6, column: 23, what: 'eval' }],
  'pages/api/new-function.js': [{ rule: 'new-function', line: 6, column: 15, what: 'new Function' }],
  'app/api/require-fs/route.ts': [
    { rule: 'require', line: 6, column: 14, what: "require('fs')" },
    { rule: 'node-builtin', line: 6, column: 22, what: 'fs' },
  ],
  'app/api/node-fs/route.ts': [{ rule: 'node-builtin', line: 3, column: 16, what: 'node:fs' }],
  'app/api/process-cwd/route.ts': [{ rule: 'process-member', line: 6, column: 23, what: 'process.cwd' }],
  'app/api/clean/route.ts': [],
  'pages/api/clean-pages.ts': [],
  // Next printed nothing about the middleware. check (at the time of writing) reports two uses in
  // next's own CommonJS files, reached through `next/server`: __dirname in
  // next/dist/compiled/ua-parser-js/ua-parser.js and process.nextTick in next/dist/lib/scheduler.js,
  // the latter behind `if (process.env.NEXT_RUNTIME === 'edge')`, which Next's edge build compiles away.
  'middleware.ts': [],
};

/** What next build printed about each route file, over every pass (the module line, then Next's own line). */
const NEXT_SAYS: Record<string, { severity: NextDiagnostic['severity']; message: RegExp }[]> = {
  'pages/api/eval.ts': [
    {
      severity: 'error',
      message: /^pages\/api\/eval\.ts:6:23\nError: Dynamic Code Evaluation \(e\. g\. 'eval', 'new Function', 'WebAssembly\.compile'\) not allowed in Edge Runtime\n/,
    },
  ],
  'pages/api/new-function.js': [],
  'app/api/require-fs/route.ts': [],
  'app/api/node-fs/route.ts': [
    {
      severity: 'warning',
      message: /^app\/api\/node-fs\/route\.ts:3:1\nWarning: A Node\.js module is loaded \('node:fs' at line 3\) which is not supported in the Edge Runtime\.\n/,
    },
    {
      severity: 'error',
      message: /^Failed to collect page data for \/api\/node-fs\n\[cause\]: Error: Failed to load external module node:fs: TypeError: Native module not found: node:fs$/,
    },
  ],
  'app/api/process-cwd/route.ts': [
    {
      severity: 'warning',
      message: /^app\/api\/process-cwd\/route\.ts:6:23\nWarning: A Node\.js API is used \(process\.cwd at line: 6\) which is not supported in the Edge Runtime\.\n/,
    },
  ],
  'app/api/clean/route.ts': [],
  'pages/api/clean-pages.ts': [],
  'middleware.ts': [],
  [NODE_ROUTE]: [],
};

/** The families of Next's messages about code the Edge Runtime lacks. */
type Family = 'dynamic-code' | 'node-module' | 'node-api';
const NEXT_FAMILIES: [RegExp, Family][] = [
  [/^(?:Error|Warning): Dynamic Code Evaluation /m, 'dynamic-code'],
  [/^(?:Error|Warning): A Node\.js module is loaded /m, 'node-module'],
  [/^(?:Error|Warning): A Node\.js API is used /m, 'node-api'],
  // A route that imports a Node module Next cannot load fails while Next collects page data.
  [/^\[cause\]: Error: Failed to load external module node:/m, 'node-module'],
];
/**
 * Check's rules, in Next's families (as check words them for the nextjs platform, core/check/run-check.ts).
 * `require` and `module-exports` have none: Next has no message about CommonJS in an ES module (it
 * printed nothing for app/api/require-fs/route.ts); the module a require loads is node-builtin's.
 */
const RULE_FAMILY: Record<ForbiddenRule, Family | undefined> = {
  eval: 'dynamic-code',
  'indirect-eval': 'dynamic-code',
  'new-function': 'dynamic-code',
  'string-timer': 'dynamic-code',
  'wasm-bytes': 'dynamic-code',
  'node-builtin': 'node-module',
  'process-member': 'node-api',
  dirname: 'node-api',
  require: undefined,
  'module-exports': undefined,
};

/**
 * Where check and next build genuinely differ: families check reports that Next, with Turbopack,
 * did not print in any pass. Next built both routes (pass 3's route table lists them) and said
 * nothing about either; the only line about new-function.js is about its config, "⚠ /api/new-function
 * provided runtime 'experimental-edge'. It can be updated to 'edge' instead." Turbopack's edge
 * check flags `eval` only, and lets a `require` of a Node module through at build time. (Served
 * with `next start`, not asserted here: /api/new-function answers 500, "EvalError: Code generation
 * from strings disallowed for this context"; /api/require-fs answers 200, Next's local edge sandbox
 * handing the route Node's fs.)
 */
const ONLY_CHECK: Partial<Record<EdgeRoute, Family[]>> = {
  'pages/api/new-function.js': ['dynamic-code'], // new Function('return 1'): Next printed nothing
  'app/api/require-fs/route.ts': ['node-module'], // require('fs') in an ES module: Next printed nothing
};

interface CheckRun {
  exitCode: number | null;
  stderr: string;
  report: CheckReport;
}

/** Runs `edgecompat check <fixture> --platform nextjs --format json` from the package root. */
async function runCheck(app: string): Promise<CheckRun> {
  const child = spawnTarget(process.execPath, [join('cli', 'bin.mjs'), 'check', app, '--platform', 'nextjs', '--format', 'json'], { cwd: PACKAGE_ROOT });
  let stdout = '';
  let stderr = '';
  child.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => void child.kill(), 60_000);
  const exit = await child.exited;
  clearTimeout(timer);
  await child.kill();
  try {
    return { exitCode: exit.exitCode, stderr, report: JSON.parse(stdout) };
  } catch {
    throw new Error(`edgecompat check exited ${exit.exitCode} without a JSON report:\n${stdout}\n${stderr}`);
  }
}

/** The route file of a path check printed (relative to the package root). */
const inApp = (path: string) => path.replace(/^test\/fixtures\/next-app\//, '');
const familiesOfNext = (diagnostics: { message: string }[]) =>
  new Set(diagnostics.map(({ message }) => NEXT_FAMILIES.find(([pattern]) => pattern.test(message))?.[1] ?? `unknown: ${message.split('\n').slice(0, 2).join(' | ')}`));
const familiesOfCheck = (findings: Finding[]) => new Set(findings.flatMap(({ rule }) => (RULE_FAMILY[rule] ? [RULE_FAMILY[rule]] : [])));
const sorted = (set: Set<string>) => [...set].sort();

describe("reading next build's report: the real stderr of each pass, captured", () => {
  const routes = routeFilesOf(FIXTURE);
  const pass = (n: number) => nextDiagnostics(readFileSync(join(CAPTURED, `pass-${n}.stderr.txt`), 'utf8'), CAPTURE_PREFIX, routes);
  const brief = (diagnostics: NextDiagnostic[]) => diagnostics.map(({ severity, route, message }) => [severity, route, message.split('\n').slice(0, 2).join(' | ')]);

  it('finds the fixture routes', () => {
    expect(routes).toEqual([...Object.keys(EDGE_ROUTES), NODE_ROUTE].sort());
  });

  it('pass 1: the eval error that fails the build, and the warnings printed before it, each with its route file', () => {
    expect(brief(pass(1))).toEqual([
      ['warning', 'app/api/process-cwd/route.ts', 'app/api/process-cwd/route.ts:6:23 | Warning: A Node.js API is used (process.cwd at line: 6) which is not supported in the Edge Runtime.'],
      ['warning', 'app/api/node-fs/route.ts', "app/api/node-fs/route.ts:3:1 | Warning: A Node.js module is loaded ('node:fs' at line 3) which is not supported in the Edge Runtime."],
      ['error', 'pages/api/eval.ts', "pages/api/eval.ts:6:23 | Error: Dynamic Code Evaluation (e. g. 'eval', 'new Function', 'WebAssembly.compile') not allowed in Edge Runtime"],
    ]);
    // The code frame is part of the message, without colour codes nor the copy's folder.
    expect(pass(1)[2].message).toContain("> 6 |   const sum: number = eval('1 + 1');");
    expect(pass(1).map((d) => d.message).join('\n')).not.toMatch(/\x1b|next-app-capture/);
  });

  it('pass 2: node:fs fails to load while Next collects page data, an error of that route', () => {
    expect(brief(pass(2))).toEqual([
      ['warning', 'app/api/process-cwd/route.ts', 'app/api/process-cwd/route.ts:6:23 | Warning: A Node.js API is used (process.cwd at line: 6) which is not supported in the Edge Runtime.'],
      ['warning', 'app/api/node-fs/route.ts', "app/api/node-fs/route.ts:3:1 | Warning: A Node.js module is loaded ('node:fs' at line 3) which is not supported in the Edge Runtime."],
      ['error', 'app/api/node-fs/route.ts', 'Failed to collect page data for /api/node-fs | [cause]: Error: Failed to load external module node:fs: TypeError: Native module not found: node:fs'],
    ]);
  });

  it('pass 3 (the build that succeeds): the process.cwd warning only', () => {
    expect(brief(pass(3))).toEqual([
      ['warning', 'app/api/process-cwd/route.ts', 'app/api/process-cwd/route.ts:6:23 | Warning: A Node.js API is used (process.cwd at line: 6) which is not supported in the Edge Runtime.'],
    ]);
  });

  it('over the passes, per route file: what the live build is held to', () => {
    const byRoute = diagnosticsByRoute([1, 2, 3].map((n) => ({ diagnostics: pass(n) })));
    for (const [route, says] of Object.entries(NEXT_SAYS)) {
      expect(byRoute.get(route) ?? [], route).toEqual(says.map(({ severity, message }) => ({ severity, message: expect.stringMatching(message) })));
    }
  });
});

describe('edgecompat check and next build on the fixture app, route by route', () => {
  let check: CheckRun;
  let build: FixtureBuild;
  const checkRoute = (route: string) => check.report.routes.find((r) => inApp(r.route) === route);

  beforeAll(async () => {
    const started = Date.now();
    [check, build] = await Promise.all([runCheck(FIXTURE), buildFixtureApp(FIXTURE, { log })]);
    log(`check exited ${check.exitCode}; next build took ${build.passes.length} passes, ${Math.round((Date.now() - started) / 1000)} s`);
    for (const { pass, ok, diagnostics } of build.passes) {
      log(`pass ${pass} ${ok ? 'built' : 'failed'}: ${diagnostics.map((d) => `${d.route ?? '?'} ${d.severity}: ${d.message.split('\n').slice(0, 2).join(' | ')}`).join('; ') || 'no issue'}`);
    }
    for (const route of check.report.routes) {
      log(`check ${route.route}: ${route.findings.map((f) => `${f.rule} ${f.file}:${f.line}:${f.column} ${f.what}`).join('; ') || 'no finding'}`);
    }
  }, 240_000);

  describe('check', () => {
    it('lists the edge routes with their kind, not the Node.js route, and exits 1', () => {
      expect(check.exitCode, check.stderr).toBe(1);
      expect(check.report.ok).toBe(false);
      expect(Object.fromEntries(check.report.routes.map((r) => [inApp(r.route), r.kind]))).toEqual(EDGE_ROUTES);
      expect(check.report.routes.some((r) => inApp(r.route) === NODE_ROUTE)).toBe(false);
      for (const route of check.report.routes) expect(route.sizes.map((s) => [s.limit, s.over])).toEqual([['nextjs/edge-api-route', false]]);
    });

    it.each(Object.entries(CHECK_FINDS))('%s: each forbidden use at its line and column, in the route file itself', (route, expected) => {
      const found = checkRoute(route)!.findings;
      const where = `test/fixtures/next-app/${route}`;
      expect(found.map(({ rule, file, line, column, what, chain, platform }) => ({ rule, file, line, column, what, chain, platform }))).toEqual(
        expected.map((use) => ({ ...use, file: where, chain: [where], platform: 'nextjs' })),
      );
    });
  });

  describe('next build', () => {
    it('refuses eval in pass 1 and node:fs (failing to load it) in pass 2, builds the rest in pass 3; every issue has its route file', () => {
      expect(build.passes.map((p) => p.ok)).toEqual([false, false, true]);
      expect(build.refused).toEqual(['pages/api/eval.ts', 'app/api/node-fs/route.ts']);
      expect(build.passes.flatMap((p) => p.diagnostics).filter((d) => d.route === undefined)).toEqual([]);
    });

    it.each(Object.entries(NEXT_SAYS))('%s: what Next printed', (route, says) => {
      expect(build.byRoute.get(route) ?? []).toEqual(says.map(({ severity, message }) => ({ severity, message: expect.stringMatching(message) })));
    });

    it('builds middleware.ts for the edge runtime (and says the convention is deprecated), the routes on edge as edge functions, the Node.js route not', () => {
      const built = build.passes.at(-1)!;
      expect(built.notices).toContain('The "middleware" file convention is deprecated. Please use "proxy" instead.');
      expect(built.notices).toContain("/api/new-function provided runtime 'experimental-edge'. It can be updated to 'edge' instead.");
      const { middleware, functions } = build.middlewareManifest;
      // middleware-manifest.json lists what runs on the edge runtime: the middleware, and the edge functions.
      expect(Object.values(middleware).map((m) => m.name)).toEqual(['middleware']);
      for (const entry of [...Object.values(middleware), ...Object.values(functions)]) expect(entry.entrypoint).toMatch(/^server\/edge\//);
      expect(Object.values(functions).map((f) => f.page.replace(/\/route$/, '')).sort()).toEqual(['/api/clean', '/api/clean-pages', '/api/new-function', '/api/process-cwd', '/api/require-fs']);
    });

    it('leaves no process behind and removes the copy', () => {
      expect(build.leftover).toEqual([]);
      expect(existsSync(build.dir)).toBe(false);
    });
  });

  describe('agreement', () => {
    it.each(Object.keys(EDGE_ROUTES) as EdgeRoute[])('%s: check and next build report the same families of problems, but for the documented differences', (route) => {
      const findings = checkRoute(route)!.findings;
      const said = build.byRoute.get(route) ?? [];
      const nextFamilies = familiesOfNext(said);
      const checkFamilies = familiesOfCheck(findings);
      const onlyCheck = ONLY_CHECK[route] ?? [];
      // Every family Next reported is found by check ...
      expect([...nextFamilies].filter((f) => !checkFamilies.has(f as Family)), 'reported by Next, not by check').toEqual([]);
      // ... and every family check reports, Next reported, but where they genuinely differ.
      expect(sorted(new Set([...checkFamilies].filter((f) => !nextFamilies.has(f)))), 'reported by check, not by Next').toEqual(onlyCheck);
      // (a) check has findings <=> Next reported an error or a warning; the differences are routes Next said nothing about.
      if (onlyCheck.length > 0) {
        expect(said).toEqual([]);
        expect(findings.length).toBeGreaterThan(0);
      } else expect(findings.length > 0).toBe(said.length > 0);
      // Where Next gives a position in the route file, check finds a use of the same family on that line
      // (the column differs for an import: Next points at the statement, check at the module's name).
      for (const { message } of said) {
        const position = /^([^\n:]+):(\d+):(\d+)\n/.exec(message);
        if (!position) continue;
        const family = familiesOfNext([{ message }]);
        expect(findings.some((f) => f.line === Number(position[2]) && family.has(RULE_FAMILY[f.rule]!)), message.split('\n')[1]).toBe(true);
      }
    });

    it("check's words are Next's for the families both report", () => {
      const message = (route: EdgeRoute, rule: ForbiddenRule) => checkRoute(route)!.findings.find((f) => f.rule === rule)!.message;
      expect(message('pages/api/eval.ts', 'eval')).toMatch(/^Dynamic Code Evaluation \(e\. g\. 'eval', 'new Function', 'WebAssembly\.compile'\) not allowed in Edge Runtime/);
      expect(message('app/api/process-cwd/route.ts', 'process-member')).toMatch(/^A Node\.js API is used \(process\.cwd\) which is not supported in the Edge Runtime\.$/);
      // Next: "A Node.js module is loaded ('node:fs' at line 3) ..."; check names the module as written too (the line is in its position).
      expect(message('app/api/node-fs/route.ts', 'node-builtin')).toMatch(/^A Node\.js module is loaded \('node:fs'\) which is not supported in the Edge Runtime\.$/);
    });
  });
});

/**
 * `edgecompat check [files | globs | app dir] [--platform ...]`: the static gate for an app's own
 * routes, without running them (core/check/). Exit 0 when every route is clean, 1 when one is over a
 * size limit or uses a forbidden API, 2 on bad input (no route found, a file that does not parse).
 */
import { Command, Option } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { resolveSizeLimit, sizeLimitIds, type SizeLimit } from '../profiles/code-size.ts';
import { discoverRoutes } from '../core/check/discover.ts';
import { DEFAULT_LIMITS, runCheck, type OnMeasured } from '../core/check/run-check.ts';
import { InputError } from '../schemas/input-error.ts';
import { renderCheckGithub, renderCheckText } from '../reports/check.ts';
import { EXIT_FAILED, EXIT_OK } from './exit-codes.ts';
import { list } from './options.ts';

/** The options of `edgecompat check`, as commander parses them. */
export interface CheckCommandOptions {
  platform?: string[];
  format: 'text' | 'json' | 'github';
  bundleDir?: string;
}

/** Runs the check and prints it; resolves with the exit code. Bad input throws InputError (exit 2). */
export async function checkCommand(inputs: string[], options: CheckCommandOptions): Promise<number> {
  const chosen = options.platform?.map(resolveSizeLimit);
  const routes = await discoverRoutes(inputs.length > 0 ? inputs : ['.']);
  if (routes.length === 0) throw new InputError([{ file: inputs.join(', ') || '.', message: 'no edge route found (pages/api with runtime edge, app route files with runtime = "edge", middleware, a Worker entry, or files given)' }]);
  const defaults = new Map<string, SizeLimit[]>();
  const limitsOf = (kind: keyof typeof DEFAULT_LIMITS) => {
    if (!defaults.has(kind)) defaults.set(kind, DEFAULT_LIMITS[kind].map(resolveSizeLimit));
    return defaults.get(kind)!;
  };
  let report;
  try {
    report = await runCheck(routes, (route) => chosen ?? limitsOf(route.kind), process.cwd(), options.bundleDir ? writeMeasured(options.bundleDir) : undefined);
  } catch (error) {
    if (error instanceof InputError) throw error;
    // A route or a module it imports that does not parse or resolve: the message names the file and line.
    throw new InputError([{ file: routes.length === 1 ? relative(process.cwd(), routes[0].file) : 'check', message: (error as Error).message }]);
  }
  if (options.format === 'json') process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (options.format === 'github') process.stdout.write(renderCheckGithub(report));
  else process.stdout.write(renderCheckText(report));
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

/**
 * Writes what was measured, so that anyone can measure it again: `<dir>/<route path>.<profile-plan>.mjs`
 * (the bundle) and, after it, `.1.wasm` ... for the wasm files counted with it.
 */
function writeMeasured(dir: string): OnMeasured {
  return (route, limit, parts) => {
    const base = join(dir, `${relative(process.cwd(), route.file).replace(/[^A-Za-z0-9._-]+/g, '_')}.${limit.id.replace('/', '-')}`);
    mkdirSync(dirname(base), { recursive: true });
    parts.forEach((part, i) => writeFileSync(i === 0 ? `${base}.mjs` : `${base}.${i}.wasm`, part));
  };
}

/** Adds `check` to the program. */
export function registerCheckCommand(program: Command): Command {
  return program
    .command('check')
    .description("the static gate for an app's own edge routes: size against each platform's limit, and forbidden API uses across the import graph, without running them")
    .argument('[inputs...]', 'a Next.js app folder, a Worker folder (wrangler.toml or wrangler.json with main), route files or globs (default: .)')
    .option('--platform <limits>', `platform profiles, or profile/plan, to check against (comma-separated; default: nextjs and vercel for Next routes, cloudflare for a Worker, vercel for files). Known: ${sizeLimitIds().join(', ')}`, list)
    .option('--bundle-dir <dir>', 'write each bundle measured (and the wasm counted with it) to this folder')
    .addOption(new Option('--format <format>', 'text for a terminal, json, or github for GitHub Actions annotations').choices(['text', 'json', 'github']).default('text'))
    .action(async (inputs: string[], opts: CheckCommandOptions) => {
      process.exitCode = await checkCommand(inputs, opts);
    });
}

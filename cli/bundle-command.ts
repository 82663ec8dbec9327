/**
 * `edgecompat bundle --platform <p> --out <dir>`: writes a deployable app of the (filtered) cases'
 * routes for one platform; `edgecompat run --url <deployed url>` then runs the cases against it.
 * See runners/http/README.md for the routing convention and each platform's deploy steps.
 */
import { Command, Option } from 'commander';
import { relative } from 'node:path';
import { InputError } from '../schemas/input-error.ts';
import { loadCases } from '../core/cases/load-cases.ts';
import { filterCases } from '../core/run/select.ts';
import { prepareRoute } from '../core/run/route-modules.ts';
import { PLATFORM_BUNDLING } from '../runners/bundling/platform-bundling.ts';
import { bundleApp } from '../runners/http/bundle/bundle-app.ts';
import { PLATFORMS, type Platform } from '../runners/http/bundle/platforms.ts';
import { EXIT_OK } from './exit-codes.ts';
import { EDGECOMPAT_VERSION } from '../core/version.ts';
import { list, withCaseOptions } from './options.ts';
import { DEFAULT_SUITE } from '../core/cases/load-cases.ts';

/** The options of `edgecompat bundle`, as commander parses them. */
export interface BundleCommandOptions {
  platform: Platform;
  out: string;
  suite?: string[];
  filter?: string[];
  area?: string[];
  tag?: string[];
  compatibilityDate?: string;
  compatibilityFlag?: string[];
}


/** Writes the app; resolves with the exit code. Invalid cases or options throw InputError (exit 2). */
export async function bundleCommand(options: BundleCommandOptions): Promise<number> {
  // 1. Check the options that commander cannot.
  if (!PLATFORMS.includes(options.platform)) throw new InputError([{ file: '--platform', message: `unknown platform "${options.platform}"; known: ${PLATFORMS.join(', ')}` }]);
  if (options.compatibilityDate && !/^\d{4}-\d{2}-\d{2}$/.test(options.compatibilityDate)) {
    throw new InputError([{ file: '--compatibility-date', message: `"${options.compatibilityDate}" is not YYYY-MM-DD` }]);
  }
  // 2. Load and filter the cases, as run does.
  const cases = filterCases(await loadCases(options.suite ?? [DEFAULT_SUITE]), { ids: options.filter, areas: options.area, tags: options.tag });
  if (cases.length === 0) throw new InputError([{ file: '--filter', message: 'no case matches; nothing to bundle' }]);
  // 3. Bundle each route as the platform does (a route its build refuses stays out), then write the app.
  const prepared = await Promise.all(cases.map((c) => prepareRoute(c, PLATFORM_BUNDLING[options.platform])));
  for (const refused of prepared.filter((p) => p.failure)) {
    process.stderr.write(`edgecompat: ${refused.module.caseId}: left out, the ${options.platform} build refuses it: ${refused.failure!.message.split('\n')[0]}\n`);
  }
  const routes = prepared.filter((p) => !p.failure).map((p) => p.module);
  const result = await bundleApp(routes, options.platform, options.out, { edgecompat: EDGECOMPAT_VERSION, compatibilityDate: options.compatibilityDate, compatibilityFlags: options.compatibilityFlag });
  const shown = relative(process.cwd(), result.outDir) || '.';
  process.stderr.write(`edgecompat: wrote a ${options.platform} app of ${routes.length} case route(s) to ${shown} (${result.files.length} files)\n`);
  process.stderr.write(`edgecompat: deploy it (see runners/http/README.md), then: edgecompat run --url <its URL>${filterHint(options)}\n`);
  return EXIT_OK;
}

function filterHint(options: BundleCommandOptions): string {
  const parts = [...(options.suite ?? []).map((s) => ` --suite ${s}`), ...(options.filter ?? []).map((f) => ` --filter '${f}'`), ...(options.area ?? []).map((a) => ` --area ${a}`), ...(options.tag ?? []).map((t) => ` --tag ${t}`)];
  return parts.join('');
}

/** Adds `bundle` to the program. */
export function registerBundleCommand(program: Command): Command {
  const command = program
    .command('bundle')
    .description('write a deployable app of the cases\' routes for a platform (run it with `run --url`)')
    .addOption(new Option('--platform <platform>', 'the platform to write the app for').choices([...PLATFORMS]).makeOptionMandatory())
    .requiredOption('--out <dir>', 'folder to write the app into')
    .option('--compatibility-date <date>', 'cloudflare: the compatibility date (default: the installed workerd\'s)')
    .option('--compatibility-flag <flag>', 'cloudflare: a compatibility flag, e.g. nodejs_compat (repeatable)', list);
  return withCaseOptions(command).action(async (opts: BundleCommandOptions) => {
    process.exitCode = await bundleCommand(opts);
  });
}

/**
 * Reading Turbopack's report from `next build`'s stderr: every error and warning, with the routes it
 * concerns. Text is the only channel Turbopack offers: its issues exist as data only inside the
 * build process (`issues` of the project's entrypoints, next/dist/build/turbopack-build/impl.js),
 * which prints them with printBuildErrors (next/dist/build/print-build-errors.js) and formatIssue
 * (next/dist/shared/lib/turbopack/utils.js). `.next/` keeps no trace of them (build-diagnostics.json
 * holds the build stage, `trace` timing spans only). webpack builds are read from data instead
 * (webpack-diagnostics.mjs).
 *
 * formatIssue prints each issue as a block, blocks one after another under a section header
 * ("Turbopack build encountered 3 warnings:", "Error: Turbopack build failed with 1 error:"):
 *
 *   ./<path from the Turbopack root>:1:42              the module (line:column when Next has a range)
 *   Error: Dynamic Code Evaluation (...) not allowed   severity: Error | Warning | Info, then the title
 *   > 1 | export default () => ... eval('1+1') ...     the code frame, then a description
 *   Import trace:                                      the modules that import it, up to the entry
 *     Edge Route:
 *       ./<app>/routes/k2.js
 *       ./<app>/pages/api/ec/k2.js
 *
 * A block concerns the routes whose entry or in-app module it names, as its module or in its import
 * trace. Its message is the block up to the import trace, with the app's own prefix taken off paths.
 * The severity is the block's own: "Warning:" and "Info:" never refuse a route.
 *
 * After compiling, Next loads the built routes to collect page data; a route that fails to load
 * there fails the build too, reported in text for both bundlers (pageDataDiagnostics).
 */
import type { BuildDiagnostic } from './diagnostics.ts';
import { routeKeyOfPath } from './app.ts';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
/** The module line of a block: `./path` or `[fs]/path`, optionally `:line:column`. */
const MODULE = /^(?:\.\/|\[[a-z-]+\]\/)(\S+?)(?::\d+:\d+)?\s*$/;
const SEVERITY = /^(Error|Warning|Info): /;
/** A path in an import trace (indented), possibly followed by ` [layer]`. */
const TRACE_PATH = /^\s+(?:\.\/|\[[a-z-]+\]\/)(\S+)/;
/** Lines that end a block: section headers, Next's own log lines, the stack of the build error. */
const OUTSIDE = /^(?:(?:Error: )?Turbopack build (?:failed with|encountered) \d+|> Build error occurred|\s+at |[✓⚠▲○ƒ┌├└] |Route \()/;

/** Removes terminal colour codes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * Every issue Turbopack reported in `stderr`, attributed to routes. `appPrefix` is the app folder
 * relative to the Turbopack root (`.edgecompat/cache/nextjs/<hash>`), as Next prints it.
 */
export function turbopackDiagnostics(stderr: string, appPrefix: string): BuildDiagnostic[] {
  const prefix = `${appPrefix.replace(/\/$/, '')}/`;
  const keyOf = (printed: string) => (printed.startsWith(prefix) ? routeKeyOfPath(printed.slice(prefix.length)) : undefined);
  const lines = stripAnsi(stderr).split(/\r?\n/).map((line) => line.trimEnd());
  const starts = (i: number) => MODULE.test(lines[i]) && SEVERITY.test(lines[i + 1] ?? '');
  const found: BuildDiagnostic[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!starts(i)) continue;
    const keys = new Set<string>();
    const first = keyOf(MODULE.exec(lines[i])![1]);
    if (first) keys.add(first);
    const severity = SEVERITY.exec(lines[i + 1])![1];
    const clean = (line: string) => line.split(`./${prefix}`).join('').split(prefix).join('');
    const message = [clean(lines[i]), lines[i + 1]];
    let inTrace = false;
    for (i += 2; i < lines.length && !starts(i) && !OUTSIDE.test(lines[i]); i++) {
      if (/^Import traces?:$/.test(lines[i])) inTrace = true;
      else if (inTrace && lines[i] !== '' && !/^\s/.test(lines[i])) break; // unindented: the trace is over
      else if (inTrace) {
        const key = TRACE_PATH.exec(lines[i]) && keyOf(TRACE_PATH.exec(lines[i])![1]);
        if (key) keys.add(key);
      } else message.push(clean(lines[i]));
    }
    i--;
    if (severity === 'Info') continue;
    found.push({ severity: severity === 'Error' ? 'error' : 'warning', keys: [...keys], message: squeeze(message) });
  }
  return found;
}

/** The error that ends a build when loading a built route failed (next/dist/build/utils.js, isPageStatic). */
const PAGE_DATA = /^Error: Failed to collect page data for \/api\/ec\/([a-z0-9-]+)(?:\/route)?$/;

/**
 * Routes Next refused after compiling them, in either bundler: "Collecting page data" loads every
 * built app route (and pages with data functions) in the edge sandbox, and the first one that fails
 * to load fails the build (next/dist/build/utils.js: "Failed to collect page data for <page>", after
 * printing the cause with console.error). The message is that line with the cause's own lines
 * (without stack frames) when Next printed them for the same page.
 */
export function pageDataDiagnostics(stderr: string): BuildDiagnostic[] {
  const lines = stripAnsi(stderr).split(/\r?\n/).map((line) => line.trimEnd());
  const found: BuildDiagnostic[] = [];
  for (const line of lines) {
    const match = PAGE_DATA.exec(line);
    if (!match) continue;
    const page = `/api/ec/${match[1]}`;
    const cause: string[] = [];
    const start = lines.findIndex((l) => /^Error: /.test(l) && l !== line && (l.endsWith(` ${page}`) || l.endsWith(` ${page}/route`)));
    for (let i = start + 1; start >= 0 && i < lines.length && lines[i] !== '}'; i++) {
      if (!/^\s*at /.test(lines[i]) && lines[i].trim() !== '') cause.push(lines[i].trim());
    }
    const message = [line.replace(/^Error: /, ''), ...(start >= 0 ? [lines[start].replace(/^Error: /, ''), ...cause] : [])].join('\n');
    found.push({ severity: 'error', keys: [match[1]], message });
  }
  return found;
}

/** Joins lines, dropping blank runs at the ends and collapsing them inside. */
function squeeze(lines: string[]): string {
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** The last lines of a build's output, for an error that names no route. */
export function outputTail(output: string, lines = 30): string {
  return stripAnsi(output).trimEnd().split(/\r?\n/).slice(-lines).join('\n');
}

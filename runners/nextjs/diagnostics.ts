/**
 * What Next's build said about the routes, whichever channel it came from (build-errors.ts reads
 * Turbopack's report, webpack-report.ts the webpack plugin's): each error or warning with the route
 * keys it concerns. Only an error refuses a route; a warning is kept with the route Next still built.
 */
import { relative } from 'node:path';
import { routeKeyOfPath } from './app.ts';

/** One error or warning of `next build`, attributed to the routes whose module graph holds it. */
export interface BuildDiagnostic {
  severity: 'error' | 'warning';
  /** Keys of the routes it concerns (the route's entry or module, or a module they import). */
  keys: string[];
  /** Next's message: the module, the error or warning, and its code frame where Next gives one. */
  message: string;
}

/** Where the app is: its folder, and the folder Next prints paths relative to (the Turbopack root). */
export interface AppLocation {
  dir: string;
  root: string;
}

/**
 * The route key of an absolute path inside the app (its entry or in-app module), else undefined.
 * A query is not part of the path (Next's loaders add one to entries: `route.js?__next_edge_ssr_entry__`).
 */
export function routeKeyOfFile(file: string, app: AppLocation): string | undefined {
  const inApp = relative(app.dir, file.replace(/\?.*$/, ''));
  return inApp.startsWith('..') ? undefined : routeKeyOfPath(inApp);
}

/** How a path is shown in messages: relative to the app inside it, else `./` + relative to the root. */
export function displayPath(file: string, app: AppLocation): string {
  const inApp = relative(app.dir, file);
  return inApp.startsWith('..') ? `./${relative(app.root, file)}` : inApp;
}

/** Key -> the messages of one severity about that route, in report order, each once. */
export function byRoute(diagnostics: BuildDiagnostic[], severity: BuildDiagnostic['severity']): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.severity !== severity) continue;
    for (const key of diagnostic.keys) {
      const messages = found.get(key) ?? [];
      if (!messages.includes(diagnostic.message)) messages.push(diagnostic.message);
      found.set(key, messages);
    }
  }
  return found;
}

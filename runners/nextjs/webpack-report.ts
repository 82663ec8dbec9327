/**
 * Reading what webpack-diagnostics.mjs wrote during `next build --webpack`: webpack's own error and
 * warning objects of each compiler (client, server, edge-server), as data. A diagnostic concerns
 * every route whose entry or in-app module is the module it is about, or imports it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { displayPath, routeKeyOfFile, type AppLocation, type BuildDiagnostic } from './diagnostics.ts';

/** One compiler's report, as webpack-diagnostics.mjs writes it. */
export interface WebpackReport {
  compiler: string;
  diagnostics: {
    severity: 'error' | 'warning';
    name: string;
    /** webpack's readable name of the module (`./routes/k.js`, `node:fs`), or null. */
    module: string | null;
    /** The module's absolute path, or null (a `node:` module, a missing one). */
    resource: string | null;
    message: string;
    /** Absolute paths of every module that imports it, transitively. */
    importers: string[];
  }[];
}

/** Every report in `folder` (one file per compiler), ordered by compiler name; none if it is absent. */
export function readWebpackReports(folder: string): WebpackReport[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(folder, name), 'utf8')) as WebpackReport);
}

/** Where Next's own import trace starts in a message that carries one (the attribution is data here). */
const TRACE = '\n\nImport trace for requested module:';

/**
 * webpack's message without the stack of the loader that threw (Next drops it too:
 * next/dist/shared/lib/format-webpack-messages.js) or an import trace, headed by its module.
 */
function messageOf(diagnostic: WebpackReport['diagnostics'][number], app: AppLocation): string {
  const body = diagnostic.message
    .split(TRACE)[0]
    .split('\n')
    .filter((line) => !/^\s*at\s/.test(line))
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
  // A `node:` module's resource is its name, not a file.
  const module = diagnostic.resource && isAbsolute(diagnostic.resource) ? displayPath(diagnostic.resource, app) : diagnostic.module;
  return module ? `${module}\n${body}` : body;
}

/** Every diagnostic in the reports, attributed to routes; the same one from two compilers counts once. */
export function webpackDiagnostics(reports: WebpackReport[], app: AppLocation): BuildDiagnostic[] {
  const found = new Map<string, BuildDiagnostic>();
  for (const report of reports) {
    for (const diagnostic of report.diagnostics) {
      const files = [...(diagnostic.resource ? [diagnostic.resource] : []), ...diagnostic.importers];
      const keys = [...new Set(files.map((file) => routeKeyOfFile(file, app)).filter((key): key is string => key !== undefined))];
      const message = messageOf(diagnostic, app);
      const id = `${diagnostic.severity}\0${message}`;
      const seen = found.get(id);
      if (seen) seen.keys = [...new Set([...seen.keys, ...keys])];
      else found.set(id, { severity: diagnostic.severity, keys, message });
    }
  }
  return [...found.values()];
}

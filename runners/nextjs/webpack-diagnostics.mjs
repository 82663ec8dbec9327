/**
 * A webpack plugin that `next build --webpack` runs through next.config's documented `webpack`
 * option (https://nextjs.org/docs/app/api-reference/config/next-config-js/webpack): when a compiler
 * finishes, it writes what webpack holds about every error and warning of that compilation as JSON,
 * so that edgecompat reads Next's diagnostics as data instead of from its terminal output. It only
 * reads the compilation; it changes nothing that is built.
 *
 * Next prints the same objects (next/dist/build/webpack-build/impl.js, formatted by
 * next/dist/shared/lib/format-webpack-messages.js), but only the first five errors, each with one
 * import trace, and its warnings only when nothing failed. Here every diagnostic comes with the
 * module it is about and every module that imports it, up to the route entries, so that one failing
 * module shared by several routes (`node:fs`, for instance) is attributed to each of them.
 *
 * Written to `<app>/edgecompat-diagnostics/<compiler name>.json`:
 * `{ compiler, diagnostics: [{ severity: 'error' | 'warning', name, module, resource, message, importers }] }`
 * where `module` is webpack's readable name of the module (or the error's `file`), `resource` its
 * absolute path, and `importers` the absolute paths of every module that imports it, transitively.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The folder, inside the app, that the reports are written to (build.ts reads it by the same name). */
const DIAGNOSTICS_DIR = 'edgecompat-diagnostics';

/** The plugin: `config.plugins.push(new EdgecompatDiagnostics(dir))` in next.config's `webpack`. */
export class EdgecompatDiagnostics {
  /** @param {string} dir the app directory */
  constructor(dir) {
    this.dir = dir;
  }

  /** Registers on `done`, which every compiler (client, server, edge-server) reaches, failed or not. */
  apply(compiler) {
    compiler.hooks.done.tap('EdgecompatDiagnostics', (stats) => {
      const compilation = stats.compilation;
      // An error names its module (`module`), or only its file (`file`, relative to the compiler's
      // context): Next's Dynamic Code Evaluation error does (next/dist/build/webpack/plugins/
      // wellknown-errors-plugin/parse-dynamic-code-evaluation-error.js). Then every module of that file.
      const modulesOf = (error) => {
        if (error.module) return [error.module];
        if (!error.file) return [];
        const file = resolve(compiler.context, error.file);
        return [...compilation.modules].filter((module) => module.resource === file);
      };
      const describe = (severity) => (error) => {
        const modules = modulesOf(error);
        const module = modules[0];
        const importers = new Set();
        const seen = new Set();
        const queue = [...modules];
        while (queue.length > 0) {
          const current = queue.pop();
          if (seen.has(current)) continue;
          seen.add(current);
          if (!modules.includes(current) && current.resource) importers.add(current.resource);
          for (const connection of compilation.moduleGraph.getIncomingConnections(current)) {
            if (connection.originModule) queue.push(connection.originModule);
          }
        }
        return {
          severity,
          name: error.name,
          module: module ? module.readableIdentifier(compilation.requestShortener) : (error.file ?? null),
          resource: module?.resource ?? null,
          message: String(error.message),
          importers: [...importers],
        };
      };
      // getErrors/getWarnings apply webpack's `ignoreWarnings`, as the stats Next prints do.
      const report = {
        compiler: compiler.name,
        diagnostics: [...compilation.getErrors().map(describe('error')), ...compilation.getWarnings().map(describe('warning'))],
      };
      mkdirSync(join(this.dir, DIAGNOSTICS_DIR), { recursive: true });
      writeFileSync(join(this.dir, DIAGNOSTICS_DIR, `${compiler.name}.json`), `${JSON.stringify(report, null, 2)}\n`);
    });
  }
}

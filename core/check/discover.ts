/**
 * What `edgecompat check` checks: the edge routes of a Next.js app (pages/api with a `runtime` of
 * 'edge' or 'experimental-edge' in its `config`, app router `route` files exporting
 * `runtime = 'edge'`, and middleware, which Next runs on the edge runtime), the entry of a Worker
 * (wrangler's `main`), or the files and globs given. A route's runtime is read from its exports with
 * the same parser the scan uses, never guessed from text.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from '@babel/parser';
import { parse as parseToml } from 'smol-toml';
import { glob } from 'tinyglobby';
import { InputError, type Problem } from '../../schemas/input-error.ts';

/** How a route was found, which decides the platforms it is checked for by default. */
export type RouteKind = 'pages-api' | 'app-route' | 'middleware' | 'worker' | 'file';

/** One route to check: its entry file (absolute) and how it was found. */
export interface FoundRoute {
  file: string;
  kind: RouteKind;
}

const SOURCE = '{js,jsx,ts,tsx,mjs,mts,cjs,cts}';
const NEXT_CONFIGS = ['next.config.js', 'next.config.mjs', 'next.config.ts', 'next.config.cjs'];
const WRANGLER = ['wrangler.toml', 'wrangler.json'];

/** Every route the inputs name: Next apps and Workers found in folders, and files and globs as given. */
export async function discoverRoutes(inputs: string[], cwd = process.cwd()): Promise<FoundRoute[]> {
  const found: FoundRoute[] = [];
  const problems: Problem[] = [];
  for (const input of inputs) {
    const full = resolve(cwd, input);
    if (existsSync(full) && statSync(full).isDirectory()) {
      const routes = (await nextAppRoutes(full)) ?? workerRoutes(full, problems);
      if (routes) found.push(...routes);
      else problems.push({ file: input, message: `neither a Next.js app (${NEXT_CONFIGS[0]}, pages/ or app/) nor a Worker (${WRANGLER.join(' or ')} with main); give the route files instead` });
    } else if (existsSync(full)) {
      found.push({ file: full, kind: 'file' });
    } else if (/[*?[{]/.test(input)) {
      const files = await glob(input, { cwd, absolute: true, ignore: ['**/node_modules/**'] });
      if (files.length === 0) problems.push({ file: input, message: 'the glob matches no file' });
      found.push(...files.map((file) => ({ file, kind: 'file' as const })));
    } else problems.push({ file: input, message: 'no such file or folder' });
  }
  if (problems.length > 0) throw new InputError(problems);
  const unique = new Map(found.map((route) => [route.file, route]));
  return [...unique.values()].sort((a, b) => a.file.localeCompare(b.file));
}

/** The edge routes of the Next.js app in `dir`, or undefined when `dir` is not one. */
async function nextAppRoutes(dir: string): Promise<FoundRoute[] | undefined> {
  const roots = [dir, join(dir, 'src')].filter((root) => ['pages', 'app'].some((d) => existsSync(join(root, d))));
  const isApp = NEXT_CONFIGS.some((f) => existsSync(join(dir, f))) || roots.length > 0;
  if (!isApp) return undefined;
  const routes: FoundRoute[] = [];
  for (const root of roots.length > 0 ? roots : [dir]) {
    const pages = await glob(`pages/api/**/*.${SOURCE}`, { cwd: root, absolute: true, ignore: ['**/node_modules/**', '**/*.d.ts'] });
    for (const file of pages) if (isEdge(exportedRuntime(file, 'config'))) routes.push({ file, kind: 'pages-api' });
    const handlers = await glob(`app/**/route.${SOURCE}`, { cwd: root, absolute: true, ignore: ['**/node_modules/**'] });
    for (const file of handlers) if (isEdge(exportedRuntime(file, 'runtime'))) routes.push({ file, kind: 'app-route' });
    const middleware = await glob(`middleware.${SOURCE}`, { cwd: root, absolute: true });
    routes.push(...middleware.map((file) => ({ file, kind: 'middleware' as const })));
  }
  return routes;
}

const isEdge = (runtime: string | undefined) => runtime === 'edge' || runtime === 'experimental-edge';

/**
 * The runtime a Next.js route exports: `export const runtime = '...'` (`how` = 'runtime') or
 * `export const config = { runtime: '...' }` (`how` = 'config'), else undefined.
 */
export function exportedRuntime(file: string, how: 'runtime' | 'config'): string | undefined {
  const ast = parse(readFileSync(file, 'utf8'), { sourceType: 'module', plugins: file.endsWith('x') ? ['typescript', 'jsx'] : ['typescript'], errorRecovery: true });
  for (const statement of ast.program.body) {
    if (statement.type !== 'ExportNamedDeclaration' || statement.declaration?.type !== 'VariableDeclaration') continue;
    for (const declarator of statement.declaration.declarations) {
      if (declarator.id.type !== 'Identifier' || declarator.id.name !== how || !declarator.init) continue;
      const init = declarator.init.type === 'TSAsExpression' || declarator.init.type === 'TSSatisfiesExpression' ? declarator.init.expression : declarator.init;
      if (how === 'runtime' && init.type === 'StringLiteral') return init.value;
      if (how === 'config' && init.type === 'ObjectExpression') {
        for (const property of init.properties) {
          if (property.type !== 'ObjectProperty' || property.computed) continue;
          const key = property.key.type === 'Identifier' ? property.key.name : property.key.type === 'StringLiteral' ? property.key.value : undefined;
          if (key === 'runtime' && property.value.type === 'StringLiteral') return property.value.value;
        }
      }
    }
  }
  return undefined;
}

/** The entry of the Worker configured in `dir` (wrangler's `main`), or undefined when there is none. */
function workerRoutes(dir: string, problems: Problem[]): FoundRoute[] | undefined {
  for (const name of WRANGLER) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    const file = relative(process.cwd(), path) || path;
    let config: { main?: unknown };
    try {
      const text = readFileSync(path, 'utf8');
      config = (name.endsWith('.toml') ? parseToml(text) : JSON.parse(text)) as { main?: unknown };
    } catch (error) {
      problems.push({ file, message: `cannot be read: ${(error as Error).message}` });
      return [];
    }
    if (typeof config.main !== 'string') {
      problems.push({ file, path: '/main', message: 'no main: the Worker entry is not named' });
      return [];
    }
    const entry = resolve(dir, config.main);
    if (!existsSync(entry)) {
      problems.push({ file, path: '/main', message: `the entry ${config.main} does not exist` });
      return [];
    }
    return [{ file: entry, kind: 'worker' }];
  }
  return undefined;
}

/**
 * A route module's shape. It either default-exports its handler (or `{ fetch }`), or, as a Next.js
 * App Router route handler does, exports a handler per HTTP method (`export function GET`, `POST`
 * ...), which Next dispatches itself. This is the one place that tells the two apart (methodExports):
 * - a target that bundles routes itself (`bundling.kind === 'platform'`, Next.js) gets the module as
 *   written, and its runner hands Next the method exports (runners/nextjs/app.ts);
 * - every other target gets the module bundled under a generated default export (METHOD_DISPATCHER)
 *   that dispatches by `request.method` as Next does (core/run/route-modules.ts).
 */
import { parse } from '@babel/parser';
import type { Node } from '@babel/traverse';
import { ROUTE_SPECIFIER } from './bundle-route.ts';

/** The HTTP methods a Next.js route handler module may export, in Next's order (next/dist/server/web/http.js). */
export const HTTP_METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;

/** The names a binding pattern declares (`const { GET, POST } = handlers` declares GET and POST). */
function boundNames(pattern: Node | null): string[] {
  switch (pattern?.type) {
    case 'Identifier':
      return [pattern.name];
    case 'ObjectPattern':
      return pattern.properties.flatMap((p) => boundNames(p.type === 'RestElement' ? p : p.value));
    case 'ArrayPattern':
      return pattern.elements.flatMap((e) => boundNames(e));
    case 'AssignmentPattern':
      return boundNames(pattern.left);
    case 'RestElement':
      return boundNames(pattern.argument);
    default:
      return [];
  }
}

/**
 * The HTTP methods a module exports handlers for, in Next's order, when it has no default export
 * (a Next.js App Router route handler: https://nextjs.org/docs/app/api-reference/file-conventions/route);
 * undefined for a module with a default export, with no method export, or that does not parse (its
 * build then says why). Read from the module's own export statements: names that only an
 * `export * from` would bring in are not seen.
 */
export function methodExports(source: string, lang: 'js' | 'ts'): string[] | undefined {
  if (!/\b(?:GET|HEAD|OPTIONS|POST|PUT|DELETE|PATCH)\b/.test(source)) return undefined;
  let body;
  try {
    body = parse(source, { sourceType: 'module', plugins: lang === 'ts' ? ['typescript'] : ['jsx'], errorRecovery: true }).program.body;
  } catch {
    return undefined;
  }
  const names = new Set<string>();
  for (const statement of body) {
    if (statement.type === 'ExportDefaultDeclaration') return undefined;
    if (statement.type !== 'ExportNamedDeclaration' || statement.exportKind === 'type') continue;
    const declaration = statement.declaration;
    if ((declaration?.type === 'FunctionDeclaration' || declaration?.type === 'ClassDeclaration') && declaration.id) names.add(declaration.id.name);
    if (declaration?.type === 'VariableDeclaration') for (const d of declaration.declarations) boundNames(d.id).forEach((n) => names.add(n));
    for (const specifier of statement.specifiers) {
      if (specifier.type === 'ExportSpecifier' && specifier.exportKind === 'type') continue;
      const exported = specifier.exported.type === 'Identifier' ? specifier.exported.name : specifier.exported.value;
      if (exported === 'default') return undefined;
      names.add(exported);
    }
  }
  const methods = HTTP_METHODS.filter((method) => names.has(method));
  return methods.length > 0 ? methods : undefined;
}

/**
 * The default export given to a route module that exports HTTP method handlers, on every target but
 * Next.js: it dispatches as Next.js dispatches a route handler, checked by hand against next 16.4.6
 * on the nextjs-app column and in its source (autoImplementMethods in
 * next/dist/server/route-modules/app-route/helpers/auto-implement-methods.js, resolveHandler in
 * next/dist/server/route-modules/app-route/module.js), which is what
 * https://nextjs.org/docs/app/api-reference/file-conventions/route documents
 * ("Supported HTTP Methods"; "If an unsupported method is called, Next.js will return a 405 Method
 * Not Allowed response"):
 * - a method that is not one of the seven HTTP_METHODS: 400 with no body;
 * - a method of the seven that the module does not export: 405 with no body and no Allow header
 *   (Next sets none: `new Response(null, { status: 405 })`);
 * - HEAD, when not exported, is answered by the GET handler (the server sends no body);
 * - OPTIONS, when not exported, is answered with 204 and `Allow`: OPTIONS, the exported methods, and
 *   HEAD when GET is exported, sorted and joined with ", ".
 * The table is made once, when the module loads, as Next makes it. A handler is called with the
 * request and whatever else the runtime passes a handler, as a plain function (no `this`), as Next
 * calls it: what the handler observes is what a default-exported handler observes on that runtime.
 */
export const METHOD_DISPATCHER = `import * as __edgecompat_route from ${JSON.stringify(ROUTE_SPECIFIER)};
const __edgecompat_methods = ${JSON.stringify(HTTP_METHODS)};
const __edgecompat_handlers = ((handlers) => {
  const notAllowed = () => new Response(null, { status: 405 });
  const table = Object.fromEntries(__edgecompat_methods.map((m) => [m, handlers[m] ?? notAllowed]));
  const implemented = new Set(__edgecompat_methods.filter((m) => handlers[m]));
  if (!implemented.has('HEAD') && handlers.GET) {
    table.HEAD = handlers.GET;
    implemented.add('HEAD');
  }
  if (!implemented.has('OPTIONS')) {
    const allow = ['OPTIONS', ...implemented];
    if (!implemented.has('HEAD') && implemented.has('GET')) allow.push('HEAD');
    const headers = { Allow: allow.sort().join(', ') };
    table.OPTIONS = () => new Response(null, { status: 204, headers });
  }
  return table;
})(__edgecompat_route);
export default function (request, ...rest) {
  if (!__edgecompat_methods.includes(request.method)) return new Response(null, { status: 400 });
  const handler = __edgecompat_handlers[request.method];
  return handler(request, ...rest);
}
`;

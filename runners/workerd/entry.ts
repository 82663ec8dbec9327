/**
 * The entry module of a route as a Worker: shared by the workerd runner and the miniflare runner,
 * which both start workerd with it as the first module and the route as `<key>.mjs`.
 */

/**
 * The module workerd starts: the route's own default export when it is `{ fetch }` (so workerd calls
 * the route directly, with its own `(request, env, ctx)`), or a `{ fetch }` that passes the same
 * arguments to a bare handler function. A namespace import lets the route's own top-level errors
 * surface first; a route with neither export fails to load with a message that says so.
 */
export function entrySource(key: string): string {
  const file = `${key}.mjs`;
  return [
    `import * as route from ${JSON.stringify(file)};`,
    'const handler = route.default;',
    'if (typeof handler !== "function" && typeof handler?.fetch !== "function") {',
    `  throw new TypeError(${JSON.stringify(`${file} must export default a handler function or { fetch }`)});`,
    '}',
    'export default typeof handler === "function" ? { fetch: (request, ...rest) => handler(request, ...rest) } : handler;',
    '',
  ].join('\n');
}

/**
 * edge-runtime evaluates classic scripts (node:vm), not ES modules, and registers handlers through
 * `addEventListener('fetch')`. This turns a route module into such a script without changing what
 * the route observes: esbuild's transform (not its bundler) rewrites only the module syntax, leaves
 * `require`, `import()` and every global alone, and the fetch listener hands the route the very
 * Request the runtime created. A module with static imports cannot become a script without a
 * bundler, so it is passed on unchanged and the runtime's own SyntaxError is what the case sees.
 */
import { build, transform } from 'esbuild';

/** The global that holds the route's exports inside the script. */
export const EXPORTS_GLOBAL = '__edgecompat_route';

/** The module's static `import` statements (not dynamic `import()`), or undefined if it does not parse. */
export async function staticImports(source: string): Promise<string[] | undefined> {
  try {
    const result = await build({
      stdin: { contents: source, loader: 'js' },
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      external: ['*'],
      logLevel: 'silent',
    });
    const input = Object.values(result.metafile.inputs)[0];
    return (input?.imports ?? []).filter((i) => i.kind === 'import-statement' && i.path !== '<runtime>').map((i) => i.path);
  } catch {
    return undefined;
  }
}

/** The classic script edge-runtime evaluates for one route module. */
export async function classicScript(source: string): Promise<string> {
  const imports = await staticImports(source);
  if (imports === undefined || imports.length > 0) return source;
  const { code } = await transform(source, { format: 'iife', globalName: EXPORTS_GLOBAL, target: 'esnext' });
  return `${code}
;(() => {
  const exported = ${EXPORTS_GLOBAL}.default;
  if (typeof exported !== 'function' && typeof exported?.fetch !== 'function') {
    throw new TypeError('the default export is neither a function nor an object with fetch()');
  }
  const handle = typeof exported === 'function' ? exported : (request) => exported.fetch(request);
  addEventListener('fetch', (event) => event.respondWith((async () => handle(event.request))()));
})();
`;
}

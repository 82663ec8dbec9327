/**
 * Reading next build's error report and generating the app, without running next: the outputs below
 * are what next 16.4.6 printed (Turbopack and webpack) for routes using eval.
 */
import { describe, expect, it } from 'vitest';
import { appFiles, routeEntryPath } from './app.ts';
import { buildHash } from './build-cache.ts';
import { routeBuildErrors } from './build-errors.ts';

const TURBOPACK = `\x1b[31m> Build error occurred\x1b[0m
Error: Turbopack build failed with 2 errors:
./.edgecompat/cache/nextjs/0123456789abcdef/routes/k2.js:1:42
Error: Dynamic Code Evaluation (e. g. 'eval', 'new Function', 'WebAssembly.compile') not allowed in Edge Runtime
> 1 | export default () => new Response(String(eval('1+1')))
    |                                          ^^^^
  2 |

Ecmascript file had an error

Import trace:
  Edge Route:
    ./.edgecompat/cache/nextjs/0123456789abcdef/routes/k2.js
    ./.edgecompat/cache/nextjs/0123456789abcdef/pages/api/ec/k2/[[...path]].js


./.edgecompat/cache/nextjs/0123456789abcdef/routes/k4.js:1:42
Error: Dynamic Code Evaluation (e. g. 'eval', 'new Function', 'WebAssembly.compile') not allowed in Edge Runtime
> 1 | export default () => new Response(String(eval('2+2')))
    |                                          ^^^^
  2 |

Ecmascript file had an error

Import trace:
  Edge Route:
    ./.edgecompat/cache/nextjs/0123456789abcdef/routes/k4.js
    ./.edgecompat/cache/nextjs/0123456789abcdef/pages/api/ec/k4/[[...path]].js


    at ignore-listed frames
`;

const WEBPACK = `Failed to compile.

./routes/k3.js
Dynamic Code Evaluation (e. g. 'eval', 'new Function', 'WebAssembly.compile') not allowed in Edge Runtime 
Learn More: https://nextjs.org/docs/messages/edge-dynamic-code-evaluation

Import trace for requested module:
  ./routes/k3.js
  ./pages/api/ec/k3/[[...path]].js

./routes/k2.js
Dynamic Code Evaluation (e. g. 'eval', 'new Function', 'WebAssembly.compile') not allowed in Edge Runtime 
Used by default
Learn More: https://nextjs.org/docs/messages/edge-dynamic-code-evaluation

Import trace for requested module:
  ./routes/k2.js
  ./pages/api/ec/k2/[[...path]].js


> Build failed because of webpack errors
`;

describe('routeBuildErrors', () => {
  it('attributes every Turbopack error block to its route, trimmed to location, error and code frame', () => {
    const errors = routeBuildErrors(TURBOPACK);
    expect([...errors.keys()]).toEqual(['k2', 'k4']);
    expect(errors.get('k2')).toBe(
      [
        'routes/k2.js:1:42',
        "Error: Dynamic Code Evaluation (e. g. 'eval', 'new Function', 'WebAssembly.compile') not allowed in Edge Runtime",
        "> 1 | export default () => new Response(String(eval('1+1')))",
        '    |                                          ^^^^',
        '  2 |',
        '',
        'Ecmascript file had an error',
      ].join('\n'),
    );
  });

  it('reads the webpack format too', () => {
    const errors = routeBuildErrors(WEBPACK);
    expect([...errors.keys()]).toEqual(['k3', 'k2']);
    expect(errors.get('k3')).toMatch(/^routes\/k3\.js\nDynamic Code Evaluation .* not allowed in Edge Runtime\nLearn More/);
  });

  it('names no route when the failure is elsewhere', () => {
    expect(routeBuildErrors("> Build error occurred\nError: Cannot find module 'next.config.mjs'\n./next.config.mjs\nboom").size).toBe(0);
  });
});

describe('appFiles', () => {
  const routes = [{ caseId: 'c', key: 'k1', source: 'export default () => new Response("x")' }];

  it('keeps the source verbatim in its own module and generates an edge entry per router', () => {
    const pages = appFiles(routes, { router: 'pages', packageRoot: '/pkg' });
    expect(pages.get('routes/k1.js')).toBe(routes[0].source);
    expect(pages.get(routeEntryPath('k1', 'pages'))).toMatch(/export const config = \{ runtime: 'edge' \}/);
    const app = appFiles(routes, { router: 'app', packageRoot: '/pkg' });
    expect(app.get('app/api/ec/k1/[[...path]]/route.js')).toMatch(/export const runtime = 'edge'[\s\S]*handler as GET[\s\S]*handler as OPTIONS/);
    expect(app.get('next.config.mjs')).toContain('turbopack: { root: "/pkg" }');
  });

  it('refuses a key that is not a safe path segment, and hashes any change of input', () => {
    expect(() => appFiles([{ caseId: 'c', key: '../x', source: '' }], { router: 'pages', packageRoot: '/pkg' })).toThrow(/not made of/);
    const files = appFiles(routes, { router: 'pages', packageRoot: '/pkg' });
    const changed = appFiles([{ ...routes[0], source: `${routes[0].source} ` }], { router: 'pages', packageRoot: '/pkg' });
    expect(buildHash(files, { next: '1' })).toBe(buildHash(new Map(files), { next: '1' }));
    expect(buildHash(files, { next: '1' })).not.toBe(buildHash(files, { next: '2' }));
    expect(buildHash(files, { next: '1' })).not.toBe(buildHash(changed, { next: '1' }));
  });
});

/**
 * The generated app's route entries, without a build: a route that default-exports its handler is
 * adapted and exported for every method (app router) or as the default (pages router); a route
 * handler module (HTTP method exports, no default) has exactly its own method exports re-exported
 * by the app router's entry, so that Next dispatches them (test/method-exports.test.ts runs it).
 */
import { describe, expect, it } from 'vitest';
import type { RouteModule } from '../types.ts';
import { appPlan, routeEntryPath, type RouterKind } from './app.ts';

const DEFAULT: RouteModule = { caseId: 'test/default', key: 'default-route', source: 'export default (request) => new Response(request.method)' };
const METHODS: RouteModule = {
  caseId: 'test/methods',
  key: 'methods-route',
  source: "export const runtime = 'edge';\nexport async function POST(request) { return new Response('posted'); }\nexport const GET = () => new Response('got');\nexport function get() {}\n",
};

const entryOf = (route: RouteModule, router: RouterKind) => appPlan([DEFAULT, METHODS], { router, bundler: 'turbopack', packageRoot: '/pkg', dir: '/pkg/app' }).files.get(routeEntryPath(route.key, router));

describe('route entries', () => {
  it('app router: a route handler module has its own method exports re-exported, in Next order, and nothing else', () => {
    expect(entryOf(METHODS, 'app')).toBe('export { GET, POST } from "../../../../routes/methods-route.js";\nexport const runtime = \'edge\';\n');
  });

  it('app router: a default export is adapted and exported for every method', () => {
    const entry = entryOf(DEFAULT, 'app')!;
    expect(entry).toContain('import route from "../../../../routes/default-route.js";');
    expect(entry).toContain('export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE, handler as HEAD, handler as OPTIONS };');
  });

  it('pages router: every entry imports the default export (Next refuses a module that has none)', () => {
    for (const route of [DEFAULT, METHODS]) {
      const entry = entryOf(route, 'pages')!;
      expect(entry).toMatch(/^import route from "\.\.\/\.\.\/\.\.\/routes\/[a-z-]+\.js";\nexport const config = \{ runtime: 'edge' \};\n/);
      expect(entry).toContain('export default handler;');
    }
  });
});

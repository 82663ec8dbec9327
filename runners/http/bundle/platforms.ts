/**
 * What each platform needs besides the routes and the router: its entry file and its config, as
 * data (file path -> text). Each entry only adapts the platform's calling convention to the router's
 * `route(request, ...platformArgs)`; none wraps or copies the Request.
 */
import { ROUTE_PREFIX } from './convention.ts';
import { workerdConfig } from './workerd-config.ts';

/** The platforms `edgecompat bundle` writes apps for. */
export const PLATFORMS = ['cloudflare', 'vercel', 'netlify', 'deno-deploy', 'generic'] as const;
/** One of PLATFORMS. */
export type Platform = (typeof PLATFORMS)[number];

/** What a platform's files are made from. */
export interface PlatformContext {
  /** Every module of the app besides the entry, relative to the app's root: the router, then the routes. */
  modules: string[];
  /** The router module's path relative to the app's root. */
  router: string;
  compatibilityDate: string;
  compatibilityFlags: string[];
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Entry and config files per platform. */
export const PLATFORM_FILES: Record<Platform, (ctx: PlatformContext) => Record<string, string>> = {
  cloudflare: (ctx) => ({
    'worker.mjs': `import { route } from './${ctx.router}';\n\nexport default { fetch: (request, env, ctx) => route(request, env, ctx) };\n`,
    // no_bundle: wrangler uploads the modules as they are (its esbuild would rewrite what routes observe).
    'wrangler.toml': [
      'name = "edgecompat"',
      'main = "worker.mjs"',
      `compatibility_date = "${ctx.compatibilityDate}"`,
      `compatibility_flags = [${ctx.compatibilityFlags.map((f) => JSON.stringify(f)).join(', ')}]`,
      'no_bundle = true',
      'find_additional_modules = true',
      'rules = [{ type = "ESModule", globs = ["**/*.mjs"], fallthrough = false }]',
      '',
    ].join('\n'),
    'workerd.capnp': workerdConfig({ modules: ['worker.mjs', ...ctx.modules], compatibilityDate: ctx.compatibilityDate, compatibilityFlags: ctx.compatibilityFlags }),
  }),
  vercel: (ctx) => ({
    'api/ec.js': `import { route } from '../${ctx.router}';\n\nexport const config = { runtime: 'edge' };\n\nexport default (request, context) => route(request, context);\n`,
    'vercel.json': json({ rewrites: [{ source: `${ROUTE_PREFIX}/(.*)`, destination: '/api/ec' }] }),
    'package.json': json({ name: 'edgecompat-app', private: true, type: 'module' }),
  }),
  netlify: (ctx) => ({
    'netlify/edge-functions/ec.js': `import { route } from '../../${ctx.router}';\n\nexport default (request, context) => route(request, context);\n`,
    'netlify.toml': ['[build]', '  publish = "public"', '', '[[edge_functions]]', '  function = "ec"', `  path = "${ROUTE_PREFIX}/*"`, ''].join('\n'),
    'public/index.html': '<!doctype html><title>edgecompat</title><p>edgecompat cases live under /ec/; the manifest is /ec/__edgecompat.\n',
  }),
  'deno-deploy': (ctx) => ({
    'main.ts': `import { route } from './${ctx.router}';\n\nDeno.serve((request, info) => route(request, info));\n`,
    'deno.json': json({ deploy: { entrypoint: 'main.ts' } }),
  }),
  generic: (ctx) => ({
    'app.mjs': `import { route } from './${ctx.router}';\n\n/** The app as a fetch handler: serve it with any runtime that hosts \`export default { fetch }\`. */\nexport default { fetch: (request, ...rest) => route(request, ...rest) };\n`,
    'README.md': GENERIC_README,
  }),
};

/** The few lines of Node that serve a generic bundle, also used by the tests. */
export const GENERIC_NODE_SERVER = `import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import app from './app.mjs';

createServer(async (req, res) => {
  const aborted = new AbortController();
  res.on('close', () => res.writableFinished || aborted.abort());
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Readable.toWeb(req);
  try {
    const response = await app.fetch(new Request(\`http://\${req.headers.host}\${req.url}\`, { method: req.method, headers, body, duplex: 'half', signal: aborted.signal }));
    res.writeHead(response.status, response.statusText || undefined, [...response.headers].flat());
    if (response.body && req.method !== 'HEAD') for await (const chunk of response.body) if (res.destroyed) break; else res.write(chunk);
    res.end();
  } catch (error) {
    if (res.headersSent) return res.destroy(error);
    res.writeHead(500, { 'content-type': 'text/plain' }).end(\`\${error?.name}: \${error?.message}\`);
  }
}).listen(Number(process.env.PORT ?? 8787), '127.0.0.1', function () {
  console.log(\`http://127.0.0.1:\${this.address().port}\`);
});
`;

const GENERIC_README = `# edgecompat app (generic)

\`app.mjs\` exports \`default { fetch }\`; every case's route lives under \`/ec/<key>\`, and
\`/ec/__edgecompat\` answers the manifest. Deno (\`deno serve app.mjs\`) and Bun (\`bun app.mjs\`) serve
it as it is. With Node (20+), save these lines as \`server.mjs\` next to \`app.mjs\` and run
\`PORT=8787 node server.mjs\`:

\`\`\`js
${GENERIC_NODE_SERVER}\`\`\`

Then run the cases against it: \`edgecompat run --url http://127.0.0.1:8787\`.
`;

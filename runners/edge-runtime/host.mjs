/**
 * The edge-runtime host: one EdgeRuntime (its own node:vm context) per route, each served by
 * edge-runtime's own runServer on its own port. Each route module here is the classic script the
 * runner made of the route (its default export is the script's text, see classic-script.ts).
 */
import { EdgeRuntime, runServer } from 'edge-runtime';
import { runHost } from '../host-common.mjs';

async function serve(mod) {
  const runtime = new EdgeRuntime({ initialCode: mod.default });
  const server = await runServer({ runtime, host: '127.0.0.1', port: 0 });
  return Number(new URL(server.url).port);
}

/**
 * Serves the routes and reports them to the runner.
 * @param {Record<string, () => Promise<{ default: string }>>} loaders key -> import of its script
 */
export async function host(loaders) {
  await runHost(loaders, { serve, ppid: () => process.ppid, exit: (code) => process.exit(code) });
}

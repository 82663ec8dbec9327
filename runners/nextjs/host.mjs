/**
 * Serves a built Next.js app the way `next start` does, on a port the OS picks, and reports that port
 * over a control fd instead of a log line.
 *
 * Usage: node host.mjs <appDir>, with fd 3 open for writing. On fd 3 it writes one JSON line:
 * `{"event":"listen","port":N}` once next is ready to answer, or `{"event":"error","message":...}`.
 *
 * It does what next's own start-server does (lib/start-server.js): create a node:http server, listen,
 * set PORT and __NEXT_PRIVATE_ORIGIN, then hand every request to next's router server, which it
 * reaches through the documented custom-server API (`next({ dir, hostname, port })` + prepare), the
 * same `getRequestHandlers` that `next start` uses.
 */
import { createServer } from 'node:http';
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const CONTROL_FD = 3;
const HOSTNAME = '127.0.0.1';

/** Writes one event line on the control fd. */
function report(event) {
  try {
    writeSync(CONTROL_FD, `${JSON.stringify(event)}\n`);
  } catch {
    /* no control fd: nobody is listening */
  }
}

async function main() {
  const dir = resolve(process.argv[2] ?? '.');
  process.env.NODE_ENV = 'production';
  process.env.NEXT_TELEMETRY_DISABLED ??= '1';
  // 1. Resolve next from the app's own directory: the very package `next build` used.
  const next = createRequire(join(dir, 'package.json'))('next');
  // 2. Listen first, so that the OS picks the port and next knows it before it prepares.
  let ready;
  const handler = new Promise((resolve) => (ready = resolve));
  const server = createServer(async (req, res) => {
    const handle = await handler;
    handle(req, res).catch((error) => {
      console.error(error);
      res.statusCode = 500;
      res.end('Internal Server Error');
    });
  });
  await new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(0, HOSTNAME, done);
  });
  const { port } = server.address();
  process.env.PORT = String(port);
  process.env.__NEXT_PRIVATE_ORIGIN = `http://${HOSTNAME}:${port}`;
  // 3. Prepare next's router server in production mode, as `next start` does.
  // Not quiet: `next start` prints a route's errors, and a case keeps what its target printed.
  const app = next({ dir, dev: false, hostname: HOSTNAME, port, httpServer: server });
  await app.prepare();
  ready(app.getRequestHandler());
  // 4. Stop cleanly on SIGTERM: stop accepting, let next close, exit.
  const stop = () => {
    server.close();
    server.closeAllConnections();
    Promise.resolve(app.close()).finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  report({ event: 'listen', port });
}

main().catch((error) => {
  console.error(error);
  report({ event: 'error', message: String(error?.stack ?? error) });
  process.exit(1);
});

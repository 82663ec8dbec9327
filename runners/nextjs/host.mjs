/**
 * Serves a built Next.js app the way `next start` does, on a port the OS picks, and reports that port
 * over a control fd instead of a log line.
 *
 * Usage: node host.mjs <appDir>, with fd 3 open for writing. On fd 3 it writes one JSON line:
 * `{"event":"listen","port":N}` once next is ready to answer, or `{"event":"error","message":...}`.
 * With `--warm <routes.json>` (a route key -> its path, the proof route's among them) it is a warm
 * host instead (verified isolation, ../host/warm-host.mjs): fd 3 carries the control protocol both
 * ways, and its proof is the proof route's answer (proof-route.ts) with the server's own open timers
 * and handles.
 *
 * It does what next's own start-server does (lib/start-server.js): create a node:http server, listen,
 * set PORT and __NEXT_PRIVATE_ORIGIN, then hand every request to next's router server, which it
 * reaches through the documented custom-server API (`next({ dir, hostname, port })` + prepare), the
 * same `getRequestHandlers` that `next start` uses.
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { readFileSync, writeSync } from 'node:fs';
import { get } from 'node:http';
import { join, resolve } from 'node:path';
import { activeResources } from '../host/proof-reach.mjs';
import { runWarmHost } from '../host/warm-host.mjs';

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
  const warm = process.argv.indexOf('--warm');
  if (warm < 0) report({ event: 'listen', port });
  else serveWarm(server, port, JSON.parse(readFileSync(process.argv[warm + 1], 'utf8')), process.argv[warm + 2]);
}

/** One GET to this server, read whole; its connection closed after. */
function ask(port, path) {
  return new Promise((done, fail) => {
    get({ host: HOSTNAME, port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? done(body) : fail(new Error(`${path} answered ${res.statusCode}: ${body.slice(0, 500)}`))));
    }).on('error', fail);
  });
}

/**
 * The warm host: routes are built and served already, so a load answers the route's path; a proof
 * closes the idle connections, waits for what the route left running, and asks the proof route.
 */
function serveWarm(server, port, paths, proofKey) {
  const proofPath = paths[proofKey];
  let quietResources;
  const resources = () => {
    server.closeIdleConnections();
    return activeResources();
  };
  runWarmHost(Object.fromEntries(Object.keys(paths).map((key) => [key, async () => ({})])), {
    serve: (_mod, key) => ({ port, path: paths[key] }),
    unserve: () => server.closeIdleConnections(),
    ppid: () => process.ppid,
    exit: (code) => process.exit(code),
    // The proof route's first request makes its sandbox context (and Next's machinery for edge routes).
    warmUp: async () => {
      await ask(port, `${proofPath}?op=warm`).catch(() => {});
      for (let i = 0; i < 3; i++) await new Promise((done) => setTimeout(done, 0));
      quietResources = resources();
    },
    quiet: () => resources() === quietResources,
    prover: {
      async baseline() {
        const taken = JSON.parse(await ask(port, `${proofPath}?op=baseline`));
        return { ...taken, ...JSON.parse(await ask(port, `${proofPath}?op=volatile`)) };
      },
      async changes() {
        // The server's own resources first: the proof's request is a connection of its own.
        const now = resources();
        const changes = JSON.parse(await ask(port, `${proofPath}?op=changes`));
        return now === quietResources ? changes : [...changes, `open timers and handles: was ${quietResources}, is ${now}`];
      },
    },
  });
}

main().catch((error) => {
  console.error(error);
  report({ event: 'error', message: String(error?.stack ?? error) });
  process.exit(1);
});

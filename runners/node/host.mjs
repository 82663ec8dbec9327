/**
 * The Node host: each loaded route on its own node:http server (127.0.0.1, an OS-chosen port),
 * adapting IncomingMessage to a web Request and the Response back, streaming both ways. Node has no
 * platform of its own for such handlers, so this adapter is the hosting the node column measures:
 * like the edge platforms, a handler that throws or returns a non-Response gets a 500.
 */
import { once } from 'node:events';
import { createServer, get } from 'node:http';
import { handlerOf, runHost } from '../host/host-common.mjs';
import { activeResources, builtinRoots, processFacts } from '../host/proof-reach.mjs';
import { runWarmHost } from '../host/warm-host.mjs';

/**
 * The request body as a byte stream, as the Fetch standard sets up a body's stream (with byte
 * reading support, so a BYOB reader works), reading from the socket only as the route pulls.
 * Each chunk is copied: enqueueing transfers its buffer, and Node's may be pooled.
 */
function bodyOf(req) {
  return new ReadableStream({
    type: 'bytes',
    start(controller) {
      req.on('data', (chunk) => {
        controller.enqueue(new Uint8Array(chunk));
        if (controller.desiredSize <= 0) req.pause();
      });
      req.once('end', () => {
        controller.close();
        controller.byobRequest?.respond(0);
      });
      req.once('error', (error) => controller.error(error));
      req.pause();
    },
    pull() {
      req.resume();
    },
    cancel() {
      req.destroy();
    },
  });
}

/** The web Request for a node:http request; its signal aborts when the client goes away. */
function toRequest(req, res) {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url}`, {
    method: req.method,
    headers,
    body: hasBody ? bodyOf(req) : undefined,
    duplex: hasBody ? 'half' : undefined,
    signal: controller.signal,
  });
}

/**
 * Writes a web Response to node:http, chunk by chunk as the body stream yields them, waiting for the
 * socket to drain before reading on, so a slow client slows the route's stream down.
 */
async function writeResponse(response, res, method) {
  const headers = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, response.statusText || undefined, headers);
  if (!response.body || method === 'HEAD') return res.end();
  for await (const chunk of response.body) {
    if (res.destroyed) break;
    if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  }
  res.end();
}

/** The servers of the routes served now, by key. */
const servers = new Map();

function listen(handler, key) {
  const server = createServer(async (req, res) => {
    try {
      const response = await handler(toRequest(req, res));
      if (!(response instanceof Response)) throw new TypeError(`the handler returned ${typeof response}, not a Response`);
      await writeResponse(response, res, req.method);
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`${error?.name ?? 'Error'}: ${error?.message ?? error}`);
      } else res.destroy(error);
    }
  });
  servers.set(key, server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

/** Stops serving a route: its server closed, with every connection to it. */
async function unlisten(key) {
  const server = servers.get(key);
  servers.delete(key);
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Serves the routes and reports them to the runner: all at once (a fresh host), or one at a time on
 * the runner's command with a proof between two (`options.warm`, a warm host; `options.builtins`
 * names the built-in modules its routes import).
 * @param {Record<string, () => Promise<Record<string, unknown>>>} loaders key -> import of its module
 * @param {{ warm?: boolean, builtins?: string[] }} [options]
 */
export async function host(loaders, options = {}) {
  const runtime = { serve: (mod, key) => listen(handlerOf(mod), key), ppid: () => process.ppid, exit: (code) => process.exit(code) };
  if (!options.warm) return runHost(loaders, runtime);
  const builtins = await builtinRoots(options.builtins ?? []);
  runWarmHost(loaders, {
    ...runtime,
    unserve: unlisten,
    warmUp: () => warmUp(),
    quiet: () => activeResources() === quietResources,
    proof: {
      roots: () => [['globalThis', globalThis], ['process', process], ...builtins],
      // Node appends each internal module it loads lazily to this list: a fresh host's list is where it began.
      opaque: (object) => object === process.moduleLoadList,
      getterHosts: () => new Set([globalThis]),
      facts: async () => processFacts(),
    },
  });
}

/** The resources of the host at rest (its IPC channel, its parent watch), once warmed up. */
let quietResources;

/** Serves a handler and asks it once, so that what the first server and request make is made. */
async function warmUp() {
  const port = await listen(() => new Response('warm'), '');
  await new Promise((resolve, reject) => get({ host: '127.0.0.1', port, agent: false }, (res) => res.resume().on('end', resolve)).on('error', reject));
  await unlisten('');
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
  quietResources = activeResources();
}

/**
 * What every route host shares, whatever runtime runs it (node, edge-runtime, deno, bun, or a
 * plug-in's through the runner kit): import each route on its own, serve it through the runtime's
 * own server, report which route listens on which port and the load failures, and stay up until
 * stopped or orphaned. The report goes over one of two transports of the same protocol: Node-style
 * IPC (the built-in runners; the channel is kept out of the routes' sight while they load and run,
 * as in a plain run of the runtime), or JSON lines on an inherited file descriptor (useControlFd).
 */

const CHANNEL = ['send', 'disconnect', 'connected', 'channel'];
const PARENT_POLL_MS = 1000;

/**
 * The route's default export as the runtime's server handler: a function called with every argument
 * the server passes (Deno.serve passes `(request, info)`, Bun.serve `(request, server)`, the node
 * adapter the request alone), an object's fetch called the same way as a method, so `this` is the
 * object. Nothing is added or dropped: the route sees what its runtime hands a handler. The request
 * is a declared parameter: Deno.serve calls a handler whose length is 0 with no argument at all.
 */
export function handlerOf(mod) {
  const route = mod.default;
  if (typeof route === 'function') return (request, ...rest) => route(request, ...rest);
  if (route !== null && typeof route === 'object' && typeof route.fetch === 'function') {
    return (request, ...rest) => route.fetch(request, ...rest);
  }
  throw new TypeError('The default export is neither a function nor an object with a fetch method');
}

/** An error as `{ name, message }`, whatever was thrown. */
export function describeError(error) {
  if (error instanceof Error) return { name: error.name, message: error.message };
  if (error !== null && typeof error === 'object') return { name: String(error.name ?? 'Error'), message: String(error.message ?? error) };
  return { name: typeof error, message: String(error) };
}

/** Where the control messages go: Node-style IPC (the default), or JSON lines on a file descriptor. */
let control = { kind: 'ipc' };

/**
 * Sends this process's control messages as JSON lines to file descriptor `fd` (the runner kit passes
 * fd 3) instead of over Node-style IPC. Call it before runHost.
 */
export function useControlFd(fd) {
  control = { kind: 'fd', fd };
}

/**
 * Loads and serves the routes, then reports them to the runner, in the control protocol of
 * runners/kit/control-protocol.ts: `loading` before each route, then `ready`.
 * @param {Record<string, () => Promise<Record<string, unknown>>>} loaders key -> import of its module
 * @param {{ serve: (mod: Record<string, unknown>, key: string) => Promise<number> | number, ppid: () => number,
 *   exit: (code: number) => void, hideAs?: 'absent' | 'undefined' }} runtime how this runtime serves a
 *   module and returns its port, reads its parent's pid and exits; and how a plain run of it shows
 *   the IPC channel properties (absent, or present and undefined as in Bun)
 */
export async function runHost(loaders, runtime) {
  // 0. Go when the runner is gone, watching from the start: a runner killed while routes load would
  //    otherwise leave the host adopted by init, with init taken for the parent it waits on.
  const parent = runtime.ppid();
  setInterval(() => {
    if (runtime.ppid() !== parent) runtime.exit(0);
  }, PARENT_POLL_MS);
  // 1. Open the channel to the runner (an IPC channel is hidden from the routes from now on).
  const channel = control.kind === 'fd' ? await fdChannel(control.fd) : ipcChannel(runtime.hideAs ?? 'absent');
  // 2. Import and serve each route on its own, saying which one loads (so a route that hangs or
  //    exits while loading is known); a failure is that route's alone.
  const routes = {};
  const failures = {};
  for (const [key, load] of Object.entries(loaders)) {
    await channel.tell({ type: 'loading', key });
    try {
      routes[key] = { port: await runtime.serve(await load(), key) };
    } catch (error) {
      failures[key] = describeError(error);
    }
  }
  // 3. Report, then close the channel.
  void channel.tell({ type: 'ready', routes, failures }).then(() => channel.close());
  // 4. Stay up until stopped, even with no route served (the watch of step 0 keeps the process alive).
}

/**
 * Node-style IPC, kept out of the routes' sight: the channel's properties are hidden, and shown only
 * for the moment a message is handed over (no route code runs in between).
 */
function ipcChannel(hideAs) {
  const saved = Object.fromEntries(CHANNEL.map((name) => [name, Object.getOwnPropertyDescriptor(process, name)]));
  const hide = () => hideChannel(hideAs);
  const reveal = () => {
    for (const [name, descriptor] of Object.entries(saved)) if (descriptor) Object.defineProperty(process, name, descriptor);
  };
  hide();
  return {
    /** Resolves once the message is written: a route that then blocks the event loop must not hold it back. */
    tell: (message) =>
      new Promise((resolve) => {
        reveal();
        process.send(message, () => resolve());
        hide();
      }),
    close() {
      reveal();
      process.disconnect();
      hide();
    },
  };
}

/**
 * JSON lines on an inherited file descriptor (a pipe or a Unix socket), written through node:net,
 * which Node, Deno and Bun all offer for a descriptor; closed once the runner has its report.
 */
async function fdChannel(fd) {
  const { Socket } = await import('node:net');
  const socket = new Socket({ fd, readable: false, writable: true });
  socket.on('error', () => {}); // a runner that went away: the parent watch ends the host
  return {
    tell: (message) => new Promise((resolve) => socket.write(`${JSON.stringify(message)}\n`, () => resolve())),
    close: () => socket.end(),
  };
}

function hideChannel(hideAs) {
  for (const name of CHANNEL) delete process[name];
  if (hideAs !== 'undefined') return;
  for (const name of ['send', 'disconnect', 'channel']) {
    Object.defineProperty(process, name, { value: undefined, writable: true, enumerable: true, configurable: true });
  }
  Object.defineProperty(process, 'connected', { get: () => false, set() {}, enumerable: true, configurable: true });
}

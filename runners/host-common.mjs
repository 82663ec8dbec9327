/**
 * What every route host shares, whatever runtime runs it (node, edge-runtime, deno, bun): import
 * each route on its own, serve it through the runtime's own server, report `{ key -> port }` and
 * the load failures over Node-style IPC, and stay up until stopped or orphaned. The IPC channel is
 * kept out of the routes' sight while they load and run, as in a plain run of the runtime.
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

/**
 * Loads and serves the routes, then reports them to the runner.
 * @param {Record<string, () => Promise<Record<string, unknown>>>} loaders key -> import of its module
 * @param {{ serve: (mod: Record<string, unknown>, key: string) => Promise<number> | number, ppid: () => number,
 *   exit: (code: number) => void, hideAs?: 'absent' | 'undefined' }} runtime how this runtime serves a
 *   module and returns its port, reads its parent's pid and exits; and how a plain run of it shows
 *   the channel properties (absent, or present and undefined as in Bun)
 */
export async function runHost(loaders, runtime) {
  // 0. Go when the runner is gone, watching from the start: a runner killed while routes load would
  //    otherwise leave the host adopted by init, with init taken for the parent it waits on.
  const parent = runtime.ppid();
  setInterval(() => {
    if (runtime.ppid() !== parent) runtime.exit(0);
  }, PARENT_POLL_MS);
  // 1. Hide the channel, remembering it for the messages to the runner.
  const channel = Object.fromEntries(CHANNEL.map((name) => [name, Object.getOwnPropertyDescriptor(process, name)]));
  const hide = () => hideChannel(runtime.hideAs ?? 'absent');
  const reveal = () => {
    for (const [name, descriptor] of Object.entries(channel)) if (descriptor) Object.defineProperty(process, name, descriptor);
  };
  /**
   * Sends a message with the channel shown for that moment only (no route code runs in between), and
   * resolves once it is written: a route that then blocks the event loop must not hold it back.
   */
  const tell = (message, done = () => {}) =>
    new Promise((resolve) => {
      reveal();
      process.send(message, () => {
        resolve();
        done();
      });
      hide();
    });
  hide();
  // 2. Import and serve each route on its own, saying which one loads (so a route that hangs or
  //    exits while loading is known); a failure is that route's alone.
  const ports = {};
  const failures = {};
  for (const [key, load] of Object.entries(loaders)) {
    await tell({ type: 'loading', key });
    try {
      ports[key] = await runtime.serve(await load(), key);
    } catch (error) {
      failures[key] = describeError(error);
    }
  }
  // 3. Report, then close the channel.
  void tell({ type: 'ready', ports, failures }, () => {
    reveal();
    process.disconnect();
    hide();
  });
  // 4. Stay up until stopped, even with no route served (the watch of step 0 keeps the process alive).
}

function hideChannel(hideAs) {
  for (const name of CHANNEL) delete process[name];
  if (hideAs !== 'undefined') return;
  for (const name of ['send', 'disconnect', 'channel']) {
    Object.defineProperty(process, name, { value: undefined, writable: true, enumerable: true, configurable: true });
  }
  Object.defineProperty(process, 'connected', { get: () => false, set() {}, enumerable: true, configurable: true });
}

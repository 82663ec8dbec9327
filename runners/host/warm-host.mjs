/**
 * A warm host (verified isolation): one runtime process that serves many cases one after another,
 * one at a time, and proves between two of them that its realm is as it was before the first
 * (realm-proof.mjs). It speaks the control protocol as JSON lines both ways on file descriptor 3
 * (a socket pair the runner passes), so it has no IPC channel at all, as in a plain run:
 * - at start it takes its baseline and says `ready` with no route loaded;
 * - `{type:'load', key}`: it says `loading`, imports and serves that route, and answers
 *   `{type:'loaded', key, port}` or `{type:'load-failed', key, name, message}`;
 * - `{type:'prove', key}`: it stops serving the route (if it served it), waits for what the route left running to end
 *   (as far as the runtime shows it), reads its realm again and answers `{type:'proof', key, changes}`,
 *   an empty list when the host is as it started.
 * The channel is an open handle of the process, which a route could list among its handles; nothing
 * else of it is in route code's sight.
 */
import { describeError } from './host-common.mjs';
import { createRealmProof } from './realm-proof.mjs';

const PARENT_POLL_MS = 1000;

/** The file descriptor of the channel: a socket pair, read and written. */
const CONTROL_FD = 3;

/**
 * JSON lines both ways on `fd`: node:net's Socket reads and writes a descriptor in Node and Deno;
 * Bun's writes it, and Bun.file reads it.
 */
async function duplexChannel(fd) {
  const { Socket } = await import('node:net');
  const bun = typeof Bun !== 'undefined';
  const socket = new Socket({ fd, readable: !bun, writable: true });
  socket.on('error', () => {}); // a runner that went away: the parent watch ends the host
  return {
    tell: (message) => new Promise((resolve) => socket.write(`${JSON.stringify(message)}\n`, () => resolve())),
    async receive(handler) {
      let pending = '';
      const take = (text) => {
        pending += text;
        for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
          const line = pending.slice(0, end);
          pending = pending.slice(end + 1);
          if (line.trim()) handler(JSON.parse(line));
        }
      };
      if (!bun) {
        socket.setEncoding('utf8');
        socket.on('data', take);
        return;
      }
      const decoder = new TextDecoder();
      void (async () => {
        for await (const chunk of Bun.file(fd).stream()) take(decoder.decode(chunk, { stream: true }));
      })().catch(() => {});
    },
  };
}

/** How long a proof waits for the timers and handles a route left behind to end. */
const QUIET_MS = 1500;

/**
 * Serves routes on command and proves the host clean between them.
 * @param {Record<string, () => Promise<Record<string, unknown>>>} loaders key -> import of its module
 * @param {{ serve: (mod: Record<string, unknown>, key: string) => Promise<number> | number,
 *   unserve: (key: string) => Promise<void> | void, ppid: () => number, exit: (code: number) => void,
 *   warmUp?: () => Promise<void>,
 *   proof?: Parameters<typeof createRealmProof>[0], prover?: { baseline(): Promise<unknown>, changes(): Promise<string[]> },
 *   quiet?: () => boolean }} runtime how this runtime serves a module (its port, or a port and the path
 *   the route is mounted at) and stops serving it (asked only of a route it served), what its proof reads (or a prover of its own, for a
 *   host whose routes run where the host cannot read: Next's edge sandbox), and whether nothing a
 *   route started is still running (timers, handles) when the runtime can tell
 */
export function runWarmHost(loaders, runtime) {
  // 0. Go when the runner is gone.
  const parent = runtime.ppid();
  setInterval(() => {
    if (runtime.ppid() !== parent) runtime.exit(0);
  }, PARENT_POLL_MS);
  // The rest runs once the entry module has finished: Node holds a listener on 'exit' while an
  // entry's top-level await is pending, and the baseline must not see it go.
  setTimeout(() => {
    serve(loaders, runtime).catch((error) => {
      console.error(error);
      // A moment for the message to leave a pipe written asynchronously (Node's stderr), then go.
      setTimeout(() => runtime.exit(70), 100);
    });
  }, 0);
}

async function serve(loaders, runtime) {
  // 1. Open the channel and take commands on it, one at a time, in order.
  const channel = await duplexChannel(CONTROL_FD);
  let queue = Promise.resolve();
  channel.receive((message) => {
    queue = queue.then(() => answer(message)).catch((error) => channel.tell({ type: 'host-error', ...describeError(error) }));
  });
  // 2. Let the host's own machinery make what it makes once (its first server, its first request),
  //    then take the baseline: the realm as every case will find it.
  await runtime.warmUp?.();
  const proof = runtime.prover ?? createRealmProof(runtime.proof);
  const baseline = await proof.baseline();
  await channel.tell({ type: 'ready', routes: {}, failures: {}, baseline });
  // A proof follows every load, also one that failed: only a route serve served is unserved.
  const serving = new Set();

  async function answer(message) {
    const key = message?.key;
    if (message?.type === 'load' && typeof key === 'string' && key in loaders) {
      await channel.tell({ type: 'loading', key });
      try {
        const served = await runtime.serve(await loaders[key](), key);
        serving.add(key);
        await channel.tell({ type: 'loaded', key, ...(typeof served === 'number' ? { port: served } : served) });
      } catch (error) {
        await channel.tell({ type: 'load-failed', key, ...describeError(error) });
      }
    } else if (message?.type === 'prove' && typeof key === 'string') {
      if (serving.delete(key)) await runtime.unserve(key);
      for (let waited = 0; runtime.quiet && !runtime.quiet() && waited < QUIET_MS; waited += 2) await new Promise((resolve) => setTimeout(resolve, 2));
      await channel.tell({ type: 'proof', key, changes: await proof.changes() });
    }
  }
}

/**
 * The Node.js modules Vercel's Edge Runtime offers, as data: each module and the exports it has
 * there. Vercel documents the modules ("Compatible Node.js modules": async_hooks, events, buffer,
 * assert, util, https://vercel.com/docs/functions/runtimes/edge#compatible-node.js-modules); its own
 * local simulation (`vercel dev`, vercel/vercel packages/node/src/edge-functions/
 * edge-node-compat-plugin.mts) hands edge code these exports of Node's own implementation and
 * nothing else, and its build refuses any other built-in. The edge-runtime column does the same.
 */

/** Module name (without `node:`) -> the exports an edge route sees. */
export const EDGE_NODE_MODULES = {
  buffer: ['Buffer', 'SlowBuffer', 'constants', 'kMaxLength', 'kStringMaxLength'],
  events: ['EventEmitter', 'captureRejectionSymbol', 'defaultMaxListeners', 'errorMonitor', 'listenerCount', 'on', 'once'],
  async_hooks: ['AsyncLocalStorage', 'AsyncResource'],
  assert: [
    'AssertionError', 'deepEqual', 'deepStrictEqual', 'doesNotMatch', 'doesNotReject', 'doesNotThrow', 'equal', 'fail',
    'ifError', 'match', 'notDeepEqual', 'notDeepStrictEqual', 'notEqual', 'notStrictEqual', 'ok', 'rejects', 'strict',
    'strictEqual', 'throws',
  ],
  util: ['_extend', 'callbackify', 'format', 'inherits', 'promisify', 'types'],
};

/** The module name behind a specifier this runtime offers (`node:buffer` or `buffer` -> `buffer`), else undefined. */
export function edgeNodeModule(specifier) {
  const name = specifier.replace(/^node:/, '');
  return Object.hasOwn(EDGE_NODE_MODULES, name) ? name : undefined;
}

/**
 * The node target: plain Node.js as the baseline of the matrix. Each route runs in a Node process of
 * its own, served on its own node:http server (see host.mjs).
 */
import { fileURLToPath } from 'node:url';
import { BUNDLING } from '../bundling/platform-bundling.ts';
import { ipcHostRunner } from '../host/ipc-route-host.ts';
import type { RunnerFactory } from '../types.ts';

const HOST_SCRIPT = fileURLToPath(new URL('./host.mjs', import.meta.url));

/**
 * The node runner. The binary is EDGECOMPAT_NODE_BIN when set, else the node running edgecompat;
 * setting `execPath` picks another one for the column.
 */
export const nodeRunner: RunnerFactory = (settings, ctx) =>
  ipcHostRunner(
    {
      runtime: 'node',
      command: (settings.execPath as string | undefined) ?? ctx.env.EDGECOMPAT_NODE_BIN ?? process.execPath,
      hostScript: HOST_SCRIPT,
      args: (entry) => [entry],
      versionPattern: /^v(\S+)/m,
      settings: {},
      flags: [],
      bundling: BUNDLING.node,
      // Node offers no cheaper fresh global scope that is still plain Node (a vm context lacks its globals).
      isolation: { description: 'a process per route', maxRoutesPerStart: 1 },
      verified: {
        proves: 'the object graph from globalThis, process and the Node built-ins the routes import; the working folder, umask, exit code, title, open timers and handles, performance entries',
        blindTo: ['code-from-strings', 'node-builtins'],
      },
    },
    ctx,
  );

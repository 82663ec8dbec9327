/**
 * The node target: plain Node.js as the baseline of the matrix. One Node process hosts every route,
 * each module imported on its own and served on its own node:http server (see host.mjs).
 */
import { fileURLToPath } from 'node:url';
import { ipcHostRunner } from '../ipc-route-host.ts';
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
    },
    ctx,
  );

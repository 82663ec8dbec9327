/**
 * The runner kit's host side, for JavaScript runtimes (Node, Deno, Bun): the module a host script
 * uses to speak the control protocol (runners/README.md, "The control channel") on fd 3. It is the
 * built-in runners' own host (../host-common.mjs) with fd 3 as its transport: import each route on
 * its own, serve it on a server of its own, say `loading` before each route and `ready` with every
 * port and load failure, close fd 3, and stay up until stopped or orphaned.
 *
 * The entry the kit writes (writeHostEntry) calls the host script as `host(loaders, options, kit)`,
 * where `kit` is this module, so a host script needs no import path of its own:
 *
 *   export async function host(loaders, options, kit) {
 *     await kit.runHost(loaders, { serve: (mod) => Deno.serve({ hostname: '127.0.0.1', port: 0 }, kit.handlerOf(mod)).addr.port });
 *   }
 */
import { runHost as runCommonHost, useControlFd } from '../host/host-common.mjs';

export { describeError, handlerOf, useControlFd } from '../host/host-common.mjs';

/** The file descriptor the runner kit passes for the control channel. */
export const CONTROL_FD = 3;

/** The parent's pid in Node, Bun or Deno. */
function parentPid() {
  return typeof Deno !== 'undefined' ? Deno.ppid : process.ppid;
}

/** Ends the process in Node, Bun or Deno. */
function exitProcess(code) {
  if (typeof Deno !== 'undefined') Deno.exit(code);
  else process.exit(code);
}

/**
 * Loads and serves the routes and reports them on fd 3.
 * @param {Record<string, () => Promise<Record<string, unknown>>>} loaders key -> import of its module
 * @param {{ serve: (mod: Record<string, unknown>, key: string) => Promise<number> | number, ppid?: () => number,
 *   exit?: (code: number) => void }} runtime how the runtime serves a module on 127.0.0.1 and returns
 *   its port (required); how it reads its parent's pid and exits (Node, Bun and Deno by default)
 */
export async function runHost(loaders, runtime) {
  useControlFd(CONTROL_FD);
  await runCommonHost(loaders, { ppid: parentPid, exit: exitProcess, ...runtime });
}

/**
 * The runner kit's process helpers: a target process with its control channel, built on the built-in
 * runners' own (process.ts spawns it in a process group of its own and keeps its output;
 * ipc-route-host.ts waits for its report). The channel is a pipe passed as fd 3, on which the target
 * writes the JSON lines of control-protocol.ts, so any runtime that can write to a file descriptor
 * can host routes for edgecompat.
 */
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnHost, writeHostFiles } from '../host/host-entry.ts';
import { awaitReady } from '../host/ipc-route-host.ts';
import type { Exit, Loaded, RouteModule } from '../types.ts';

/** How long a target that exited may take to close its output pipes before its output tail is read. */
const OUTPUT_DRAIN_MS = 500;

/** A target process started by spawnControlled. */
export interface ControlledTarget {
  /** The process id (the leader of the target's own process group). */
  readonly pid: number | undefined;
  /**
   * Waits for the target's `ready` message and returns its routes as Loaded. A route that does not
   * finish loading within its `loadTimeoutMs` (else `timeoutMs`), or during whose load the target
   * dies, is named in a LoadFault; a target that dies, writes a malformed control line, closes fd 3
   * or stays silent for `timeoutMs` before it is ready gives an Error with its exit and the tail of
   * its output. On any failure the target is stopped.
   */
  ready(routes: RouteModule[], options?: { timeoutMs?: number }): Promise<Loaded>;
  /** Resolves with the exit code, signal and output tail when the target ends without stop(); never after stop(). */
  exited(): Promise<Exit>;
  /** SIGTERM to the whole process group, SIGKILL after `graceMs` (default 2000); resolves once the target is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
  /** The last few KB the target wrote on stdout and stderr. */
  outputTail(): string;
  /** A mark in the target's output, for outputSince (a Runner's outputCursor). */
  outputCursor(): number;
  /** What the target wrote after `cursor` (a Runner's outputSince). */
  outputSince(cursor: number): string;
}

/** Options of spawnControlled. */
export interface SpawnControlledOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Starts `command args` in its own process group, stdin closed, stdout and stderr kept, and a pipe as
 * fd 3 for its control messages. The process is killed with its group if edgecompat exits.
 */
export function spawnControlled(command: string, args: string[], options: SpawnControlledOptions): ControlledTarget {
  const proc = spawnHost(command, args, { cwd: options.cwd, env: options.env, control: 'fd' });
  let stopped = false;
  const exited = proc.exited.then(async (exit): Promise<Exit> => {
    if (stopped) return new Promise<Exit>(() => {});
    // 'exit' may come before the last of the output: give the pipes a moment to close.
    await Promise.race([once(proc.child, 'close'), sleep(OUTPUT_DRAIN_MS)]);
    return { ...exit, stderrTail: proc.outputTail().trim() || undefined };
  });
  return {
    pid: proc.child.pid,
    async ready(routes, readyOptions = {}) {
      try {
        return await awaitReady(proc, { command, routes, timeoutMs: readyOptions.timeoutMs, control: 'fd' });
      } catch (error) {
        stopped = true; // awaitReady killed it: that exit is not news for exited()
        throw error;
      }
    },
    exited: () => exited,
    async stop(graceMs) {
      stopped = true;
      await proc.kill(graceMs);
    },
    outputTail: proc.outputTail,
    outputCursor: proc.outputCursor,
    outputSince: proc.outputSince,
  };
}

/**
 * Writes each route as `<workDir>/<key>.mjs` and an entry module, `<workDir>/_entry.mjs`, that
 * imports `hostScript` and calls `host(loaders, options, kit)`: `loaders` maps each key to a literal
 * `import('./<key>.mjs')` (each route is imported on its own), `options` is this JSON value, and
 * `kit` is the host helper module (runners/kit/host.mjs) already pointed at fd 3. Returns the entry's
 * path, for the runtime's command line. Route keys are made of [a-z0-9-], safe as file names.
 */
export function writeHostEntry(workDir: string, routes: RouteModule[], hostScript: string, options: Record<string, unknown> = {}): Promise<string> {
  return writeHostFiles(workDir, routes, hostScript, options, 'fd');
}

/**
 * The runner side of a warm host (warm-host.mjs): the host process spawned with its channel on fd 3
 * (a socket pair, read and written by both ends), its baseline awaited, and each load and proof a
 * command and its answer in the control protocol (kit/control-protocol.ts). A route that never
 * finishes loading, or during whose load the host dies, is named in a LoadFault, as at a fresh start.
 */
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoadFault } from '../load-fault.ts';
import { checkMessage, checkWarmMessage, ControlLineReader, type WarmMessage } from '../kit/control-protocol.ts';
import type { Exit, Loaded, RouteModule, WarmHost } from '../types.ts';
import { CONTROL_FD, DEFAULT_START_TIMEOUT_MS, spawnHost } from './host-entry.ts';

/** How long a proof may take: the host's wait for what a route left running, and its reading. */
const PROVE_TIMEOUT_MS = 15_000;

/** How long a host that exited may take to close its output pipes before its output is read. */
const OUTPUT_DRAIN_MS = 500;

/** What one command waits for. */
interface Pending {
  accept(message: WarmMessage): boolean;
  fail(error: Error): void;
}

/**
 * Spawns `command args` as a warm host of `routes` (in a process group of its own, its channel a
 * socket pair on fd 3) and resolves once it has said `ready`, its baseline taken, within `timeoutMs`
 * (default 30 s); the process is killed whenever this fails. `load(key)` waits `timeoutMs` for the
 * host to say `loading`, then the route's `loadTimeoutMs`; `prove(key)` waits 15 s for its proof. A
 * host that exits, says `host-error`, or sends a malformed or unasked-for message fails the command
 * in flight and every later one. For the built-in runners and, through the runner
 * kit, plug-ins' `Runner.verified`.
 */
export async function openWarmHost(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; routes: RouteModule[]; timeoutMs?: number }): Promise<WarmHost> {
  const startTimeoutMs = options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const loadTimeout = new Map(options.routes.map((r) => [r.key, r.loadTimeoutMs ?? startTimeoutMs]));
  const proc = spawnHost(command, args, { cwd: options.cwd, env: options.env, control: 'fd' });
  const channel = proc.child.stdio[CONTROL_FD] as (Readable & Writable) | null | undefined;
  if (!channel) throw new Error(`${command} was spawned without a control channel on fd ${CONTROL_FD}`);
  let stopped = false;
  let pending: Pending | undefined;
  let ended: Error | undefined;
  const end = (error: Error) => {
    ended ??= error;
    const waiting = pending;
    pending = undefined;
    waiting?.fail(error);
  };
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const keys = new Set(loadTimeout.keys());
  const reader = new ControlLineReader<{ message: unknown } | { ignored: string }>(keys, (parsed, line) => {
    if ('error' in parsed) return end(new Error(`${command} sent a malformed control message (control line ${line.number}: ${JSON.stringify(line.text.slice(0, 200))}): ${parsed.error}`));
    if ('ignored' in parsed) return;
    if ((parsed.message as { type: string }).type === 'ready') {
      reader.check = checkWarmMessage;
      return ready();
    }
    const message = parsed.message as WarmMessage;
    if (message.type === 'host-error') return end(new Error(`${command} could not answer: ${message.name}: ${message.message}`));
    if (!pending?.accept(message)) end(new Error(`${command} sent ${message.type} when no command awaited it`));
  });
  // Until ready, the start's messages (a `ready` with nothing loaded); then a warm host's.
  reader.check = (value) => checkMessage(value, new Set());
  channel.on('error', () => {}); // the host's exit says what happened
  channel.on('data', (chunk: Buffer) => reader.push(chunk));
  const exited = proc.exited.then(async (exit) => {
    await Promise.race([once(proc.child, 'close'), sleep(OUTPUT_DRAIN_MS)]);
    const full: Exit = { ...exit, stderrTail: proc.outputTail().trim() || undefined };
    end(Object.assign(new Error(`${command} exited (code ${full.exitCode}, signal ${full.signal})${full.stderrTail ? `:\n${full.stderrTail}` : ''}`), { exit: full }));
    return full;
  });

  const send = (command: { type: 'load' | 'prove'; key: string }) => channel.write(`${JSON.stringify(command)}\n`);
  /** Sends a command and waits for `accept` to take an answer, re-arming the timer as `accept` says. */
  const ask = <T>(command: { type: 'load' | 'prove'; key: string }, ms: number, onTimeout: () => Error, take: (message: WarmMessage, arm: (ms: number, fail: () => Error) => void) => T | undefined): Promise<T> => {
    if (ended) return Promise.reject(ended);
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const arm = (after: number, fail: () => Error) => {
        clearTimeout(timer);
        timer = setTimeout(() => end(fail()), after);
      };
      pending = {
        accept: (message) => {
          const value = take(message, arm);
          if (value === undefined) return message.type === 'loading';
          clearTimeout(timer);
          pending = undefined;
          resolve(value);
          return true;
        },
        fail: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      arm(ms, onTimeout);
      send(command);
    });
  };

  try {
    // 1. Wait for the baseline.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      isReady,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${command} did not take its baseline within ${startTimeoutMs} ms:\n${proc.outputTail()}`)), startTimeoutMs);
        void exited.then((exit) => reject(new Error(`${command} exited before it was ready (code ${exit.exitCode}, signal ${exit.signal})${exit.stderrTail ? `:\n${exit.stderrTail}` : ''}`)));
      }),
    ]).finally(() => clearTimeout(timer));
  } catch (error) {
    await proc.kill();
    throw error;
  }

  const loadFault = (key: string) => (error: Error) => {
    const exit = (error as Error & { exit?: Exit }).exit;
    if (exit) throw new LoadFault(`${command} exited (code ${exit.exitCode}, signal ${exit.signal}) while loading the route${exit.stderrTail ? `:\n${exit.stderrTail}` : ''}`, 'exit', key, exit);
    throw error;
  };

  return {
    load(key) {
      const ms = loadTimeout.get(key) ?? startTimeoutMs;
      const timedOut = () => new LoadFault(`the route did not finish loading within ${ms} ms`, 'timeout', key, undefined, ms);
      return ask<Loaded>({ type: 'load', key }, startTimeoutMs, () => new Error(`${command} did not start loading ${key} within ${startTimeoutMs} ms`), (message, arm) => {
        if (message.type === 'loading' && message.key === key) arm(ms, timedOut);
        if (message.type === 'loaded' && message.key === key) return { urls: new Map([[key, `http://127.0.0.1:${message.port}${message.path?.replace(/\/$/, '') ?? ''}`]]), failures: new Map() };
        if (message.type === 'load-failed' && message.key === key) return { urls: new Map(), failures: new Map([[key, { name: message.name, message: message.message, phase: 'load' as const }]]) };
        return undefined;
      }).catch(loadFault(key));
    },
    prove(key) {
      return ask<string[]>({ type: 'prove', key }, PROVE_TIMEOUT_MS, () => new Error(`${command} gave no proof within ${PROVE_TIMEOUT_MS} ms`), (message) => (message.type === 'proof' && message.key === key ? message.changes : undefined));
    },
    exited: () => exited.then((exit) => (stopped ? new Promise<Exit>(() => {}) : exit)),
    async stop() {
      stopped = true;
      await proc.kill();
    },
    outputCursor: () => proc.outputCursor(),
    outputSince: (cursor) => proc.outputSince(cursor),
  };
}

/**
 * Spawning target processes: one place that knows how to start a runtime, keep the tail of its
 * stderr for CRASH messages, learn how it ended, and make sure none outlives edgecompat.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { OutputLog } from './output-log.ts';
import type { Exit } from '../types.ts';

const STDERR_TAIL_BYTES = 4096;
const live = new Set<ChildProcess>();

/** A spawned target process. */
export interface TargetProcess {
  child: ChildProcess;
  /** Resolves once the process has exited, whoever stopped it. */
  exited: Promise<Exit>;
  /** The last few KB the process wrote to stderr (and stdout, which runtimes use for logs). */
  outputTail(): string;
  /** How much the process has written so far (stdout and stderr): a mark for outputSince. */
  outputCursor(): number;
  /** What the process wrote after `cursor` (a bounded excerpt, see OutputLog). */
  outputSince(cursor: number): string;
  /** SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. */
  kill(graceMs?: number): Promise<Exit>;
}

/**
 * Starts a process in its own process group, so that stopping it also stops whatever it spawned
 * (next start forks workers, for example). Extra stdio entries (a control fd) may be passed in
 * options.stdio after the first three, which are always ignore/pipe/pipe.
 */
export function spawnTarget(command: string, args: string[], options: SpawnOptions & { extraStdio?: SpawnOptions['stdio'] } = {}): TargetProcess {
  const extra = Array.isArray(options.extraStdio) ? options.extraStdio : [];
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe', ...extra] });
  live.add(child);
  const log = new OutputLog();
  const keep = (chunk: Buffer) => log.append(chunk.toString('utf8'));
  const tail = () => log.tail(STDERR_TAIL_BYTES);
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<Exit>((resolve) => {
    const done = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      live.delete(child);
      resolve({ exitCode, signal, stderrTail: tail().trim() || undefined });
    };
    child.once('exit', done);
    child.once('error', (error) => {
      log.append(`\n${error.message}`);
      done(null, null);
    });
  });
  const kill = async (graceMs = 2000): Promise<Exit> => {
    if (child.exitCode === null && child.signalCode === null) {
      signalGroup(child, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      signalGroup(child, 'SIGKILL');
      return exit;
    }
    return exited;
  };
  return { child, exited, outputTail: tail, outputCursor: () => log.cursor(), outputSince: (cursor) => log.since(cursor), kill };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** Kills every target process still alive; for exit paths that cannot wait for a clean stop. */
export function killAllTargets(): void {
  for (const child of live) signalGroup(child, 'SIGKILL');
}

process.once('exit', killAllTargets);

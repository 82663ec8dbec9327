/**
 * Serving a built app: spawns host.mjs (next's production server on a port the OS picks) and waits
 * for the port it reports on its control fd.
 */
import { fileURLToPath } from 'node:url';
import type { Readable } from 'node:stream';
import { spawnTarget, type TargetProcess } from '../host/process.ts';

/** The script that serves a built app (host.mjs). */
export const HOST_SCRIPT = fileURLToPath(new URL('./host.mjs', import.meta.url));
const READY_TIMEOUT_MS = 60_000;

/** A running server and the port it listens on (127.0.0.1). */
export interface Served {
  host: TargetProcess;
  port: number;
}

/** Starts the production server for the built app in dir; rejects if it exits or fails first. */
export async function serveApp(dir: string, env: NodeJS.ProcessEnv): Promise<Served> {
  const host = spawnTarget(process.execPath, [HOST_SCRIPT, dir], {
    cwd: dir,
    env: { ...env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
    extraStdio: ['pipe'],
  });
  const control = host.child.stdio[3] as Readable;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let buffer = '';
      control.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          let event: { event?: string; port?: number; message?: string } = {};
          try {
            event = JSON.parse(line);
          } catch {
            reject(new Error(`next server wrote an unreadable control line: ${line.slice(0, 200)}`));
          }
          if (event.event === 'listen' && event.port) resolve(event.port);
          if (event.event === 'error') reject(new Error(`next server failed to start: ${event.message}`));
        }
      });
      void host.exited.then((exit) =>
        reject(new Error(`next server exited before listening (code ${exit.exitCode}, signal ${exit.signal})\n${exit.stderrTail ?? ''}`)),
      );
      setTimeout(() => reject(new Error(`next server did not report a port within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS).unref();
    });
    return { host, port };
  } catch (error) {
    await host.kill();
    throw error;
  }
}

/**
 * A plug-in's warm hosts (verified isolation, `Runner.verified`), runner side: the files a warm host
 * process starts from. The process is then started and spoken to by openWarmHost
 * (../host/warm-process.ts, the built-in runners' own), and its host script runs the kit's
 * `runWarmHost` (host.mjs) or a warm host of its own that speaks the same messages on fd 3.
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { importedBuiltins } from '../host/ipc-route-host.ts';
import type { RouteModule } from '../types.ts';
import { writeHostEntry } from './controlled-target.ts';

/** What writeWarmHostEntry wrote: the entry for the runtime's command line, and the host's own folder (its working folder). */
export interface WarmHostFiles {
  /** The entry module: the runtime's command line runs it. */
  entry: string;
  /** The host's own folder, holding the entry and the routes: its working folder. */
  dir: string;
}

/**
 * Writes the files of one warm host of `routes` into a new folder of its own under `workDir` (the
 * engine opens several hosts of a column at once, each for other routes; and Deno keeps Web Storage
 * per main module): each route as `<key>.mjs` and an entry that calls the host script as
 * `host(loaders, options, kit)` (as writeHostEntry does), with `options` plus `warm: true` and
 * `builtins`, the Node built-ins the routes import (`node:` specifiers), for the host to load and
 * walk before its baseline. Start the runtime on `entry` with `cwd: dir`, through openWarmHost.
 */
export async function writeWarmHostEntry(workDir: string, routes: RouteModule[], hostScript: string, options: Record<string, unknown> = {}): Promise<WarmHostFiles> {
  const dir = await mkdtemp(join(workDir, 'warm-'));
  const builtins = await importedBuiltins(routes);
  const entry = await writeHostEntry(dir, routes, hostScript, { ...options, warm: true, builtins });
  return { entry, dir };
}

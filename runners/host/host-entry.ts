/**
 * What a route host process starts from: each route written as a module file, an entry module that
 * hands the host script one literal import per route, and the process spawned in its own group with
 * its control channel (Node-style IPC, or a pipe as fd 3).
 */
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnTarget, type TargetProcess } from './process.ts';
import type { RouteModule } from '../types.ts';

/** How a host talks to its runner: Node-style IPC (the built-in hosts), or JSON lines on fd 3 (the runner kit). */
export type ControlTransport = 'ipc' | 'fd';

/** The file descriptor a host writes its JSON-lines control messages to (transport 'fd'). */
export const CONTROL_FD = 3;

/** How long a host may take to start and to load a route that gives no load timeout of its own. */
export const DEFAULT_START_TIMEOUT_MS = 30_000;

/** The entry's file name; `_` cannot occur in a route key, so it never collides with a route. */
const ENTRY_FILE = '_entry.mjs';

/** The host helper module (see kit/host.mjs) that a kit entry hands its host script. */
const KIT_HOST = new URL('../kit/host.mjs', import.meta.url).href;

/**
 * Writes each route's source as `<workDir>/<key>.mjs` and returns key -> file path. Throws for a key
 * that is not made of [a-z0-9-] (the runner interface promises that it is).
 */
export async function writeRouteFiles(workDir: string, routes: RouteModule[]): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const route of routes) {
    if (!/^[a-z0-9-]+$/.test(route.key)) throw new Error(`route key ${JSON.stringify(route.key)} (case ${route.caseId}) is not made of [a-z0-9-]`);
    const file = join(workDir, `${route.key}.mjs`);
    await writeFile(file, route.source);
    files.set(route.key, file);
  }
  return files;
}

/**
 * Writes each route as `<key>.mjs` in workDir and an entry module that imports `hostScript` and
 * hands it one literal `import('./<key>.mjs')` per route, the options, and the host helper module
 * (runners/kit/host.mjs) as a third argument. Literal specifiers are statically analyzable, so Deno
 * loads them without --allow-read; each import is still evaluated on its own, so a route that fails
 * to load fails alone. With the 'fd' transport the entry first points the host at fd 3. Returns the
 * entry's path.
 */
export async function writeHostFiles(workDir: string, routes: RouteModule[], hostScript: string, options: Record<string, unknown> = {}, control: ControlTransport = 'ipc'): Promise<string> {
  await writeRouteFiles(workDir, routes);
  return writeEntry(workDir, workDir, routes, hostScript, options, control);
}

/**
 * Writes the entry module (see writeHostFiles) into `workDir` for routes already written as
 * `<key>.mjs` in `routesDir`, which several hosts' entries may share (warm hosts of one column).
 */
export async function writeEntry(workDir: string, routesDir: string, routes: RouteModule[], hostScript: string, options: Record<string, unknown> = {}, control: ControlTransport = 'ipc'): Promise<string> {
  const from = relative(workDir, routesDir) || '.';
  const loaders = routes.map((route) => `  ${JSON.stringify(route.key)}: () => import(${JSON.stringify(`${from.startsWith('.') ? from : `./${from}`}/${route.key}.mjs`)}),`);
  const entry = [
    `import { host } from ${JSON.stringify(pathToFileURL(hostScript).href)};`,
    ...(control === 'fd'
      ? [`import * as kit from ${JSON.stringify(KIT_HOST)};`, `kit.useControlFd(${CONTROL_FD});`, `await host({\n${loaders.join('\n')}\n}, ${JSON.stringify(options)}, kit);`]
      : [`await host({\n${loaders.join('\n')}\n}, ${JSON.stringify(options)});`]),
    '',
  ].join('\n');
  const entryPath = join(workDir, ENTRY_FILE);
  await writeFile(entryPath, entry);
  return entryPath;
}

/** Spawns a host in its own process group, with its control channel: an IPC channel, or a pipe as fd 3. */
export function spawnHost(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; control?: ControlTransport }): TargetProcess {
  return spawnTarget(command, args, { cwd: options.cwd, env: options.env, extraStdio: [options.control === 'fd' ? 'pipe' : 'ipc'] });
}

/**
 * The runner kit, published as `edgecompat/runner-kit`: what a vendor needs to add a runtime to
 * edgecompat as a plug-in runner, without a fork (runners/README.md, "The runner kit").
 *
 * - defineRunner and the interface version it declares; the runner interface's types.
 * - Process helpers for a target in a process of its own: spawnControlled (its own process group, a
 *   control channel on fd 3, ready with timeouts and load faults, stop, exited), writeHostEntry and
 *   writeRouteFiles (the routes as files), runtimeVersion and findBinary.
 * - Warm hosts for `Runner.verified` (verified isolation): writeWarmHostEntry (a warm host's files)
 *   and openWarmHost (the host process started, its baseline awaited, each load and proof a command
 *   on fd 3), the built-in runners' own.
 * - The control channel protocol's parser (control-protocol.ts), for tests and tools.
 * - Host scripts for JavaScript runtimes: NODE_HOST (the node column's own host, fresh or warm) and
 *   KIT_HOST_URL, the host-side helper (host.mjs: runHost, runWarmHost) a Node, Deno or Bun host
 *   script uses to speak the protocol.
 */
import { fileURLToPath } from 'node:url';

export { defineRunner, RUNNER_INTERFACE_VERSION, SUPPORTED_INTERFACE_VERSIONS, type RunnerDefinition } from './define-runner.ts';
export { spawnControlled, writeHostEntry, type ControlledTarget, type SpawnControlledOptions } from './controlled-target.ts';
export { ControlLineReader, MAX_CONTROL_LINE, checkMessage, checkWarmMessage, parseControlLine, readyToLoaded, type ControlMessage, type ParsedMessage, type ServedRoute, type WarmMessage } from './control-protocol.ts';
export { writeWarmHostEntry, type WarmHostFiles } from './warm-hosting.ts';
export { openWarmHost } from '../host/warm-process.ts';
export { CONTROL_FD, DEFAULT_START_TIMEOUT_MS, writeRouteFiles } from '../host/host-entry.ts';
export { runtimeVersion } from '../host/ipc-route-host.ts';
export { findBinary, type BinaryLookup } from '../host/binaries.ts';
export { LoadFault } from '../load-fault.ts';
export type { Bundling, Exit, Hazard, Isolation, Loaded, LoadFailure, PluginRunner, RouteModule, RouteOrigin, Runner, RunnerContext, RunnerFactory, TargetConfig, TargetInfo, VerifiedHosting, WarmHost } from '../types.ts';

/**
 * The node column's own host script (runners/node/host.mjs): each route on its own node:http server
 * on 127.0.0.1 through a Request/Response adapter, a throwing handler answered with a 500. Pass it
 * to writeHostEntry to host routes in any Node binary, with any flags; to writeWarmHostEntry for the
 * node column's warm host and its proof.
 */
export const NODE_HOST: string = fileURLToPath(new URL('../node/host.mjs', import.meta.url));

/**
 * The file URL of the host-side helper for JavaScript runtimes (runners/kit/host.mjs): `runHost`,
 * `runWarmHost`, `handlerOf`, `describeError`. An entry written by writeHostEntry hands it to the host script as
 * `host(loaders, options, kit)`; a host script with an entry of its own imports it from this URL.
 */
export const KIT_HOST_URL: string = new URL('./host.mjs', import.meta.url).href;

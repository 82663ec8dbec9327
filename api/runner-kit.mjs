// `edgecompat/runner-kit`: the kit for plug-in runners (runner-kit.ts), loadable from plain Node.
// The names below are every value runners/kit/index.ts exports (test/runner-kit.test.ts keeps them equal).
import './register.mjs';

const kit = await import('./runner-kit.ts');
export const {
  CONTROL_FD,
  ControlLineReader,
  DEFAULT_START_TIMEOUT_MS,
  KIT_HOST_URL,
  LoadFault,
  MAX_CONTROL_LINE,
  NODE_HOST,
  RUNNER_INTERFACE_VERSION,
  SUPPORTED_INTERFACE_VERSIONS,
  checkMessage,
  checkWarmMessage,
  defineRunner,
  findBinary,
  openWarmHost,
  parseControlLine,
  readyToLoaded,
  runtimeVersion,
  spawnControlled,
  writeHostEntry,
  writeRouteFiles,
  writeWarmHostEntry,
} = kit;

// Lets Node load edgecompat's TypeScript sources as they are: registers tsx's loader once per process
// (the CLI and the entry points share it; registering twice would run every module through it twice).
import { register } from 'tsx/esm/api';

const KEY = Symbol.for('edgecompat.tsx-registered');
if (!globalThis[KEY]) {
  register();
  globalThis[KEY] = true;
}

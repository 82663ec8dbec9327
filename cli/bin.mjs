#!/usr/bin/env node
// The edgecompat bin: loads the CLI's TypeScript sources (bundled by esbuild and cached, see
// source-bundle.mjs) and starts it. Where the cache cannot be written (a read-only install), tsx
// loads the sources as they are instead.
import { importSources } from './source-bundle.mjs';

const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC']);

let cli;
try {
  cli = await importSources('cli/main.ts');
} catch (error) {
  if (!UNWRITABLE.has(error?.code)) throw error;
  await import('../api/register.mjs');
  cli = await import('./main.ts');
}
await cli.main();

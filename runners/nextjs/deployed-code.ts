/**
 * What Vercel's builder counts toward an Edge Function's size for a route of a Next.js build: the
 * files Next's middleware manifest lists for the route's function, joined as the builder joins them
 * (`let _ENTRIES = {};`, then each file after a `\n/**\/;` separator), and the function's wasm files
 * (vercel/vercel packages/next/src/edge-function-source/get-edge-function-source.ts, validateSize).
 * The builder's own wrapper is not counted, as it says.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeBasePath } from './app.ts';

interface EdgeFunction {
  page: string;
  files: string[];
  wasm?: Array<{ filePath: string; name: string }>;
}

/** The parts Vercel's builder gzips for the route `key` of the build in `appDir`, else undefined (not built). */
export function nextDeployedCode(appDir: string, key: string): Uint8Array[] | undefined {
  const outputDir = join(appDir, '.next');
  const manifestPath = join(outputDir, 'server', 'middleware-manifest.json');
  if (!existsSync(manifestPath)) return undefined;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { functions?: Record<string, EdgeFunction> };
  const base = routeBasePath(key);
  // The pages router names the function after the page, the app router after its route.js.
  const fn = Object.values(manifest.functions ?? {}).find((f) => f.page === base || f.page === `${base}/route`);
  if (!fn) return undefined;
  const parts: Uint8Array[] = [Buffer.from('let _ENTRIES = {};')];
  for (const file of fn.files) parts.push(Buffer.from('\n/**/;'), readFileSync(join(outputDir, file)));
  for (const wasm of fn.wasm ?? []) parts.push(readFileSync(join(outputDir, wasm.filePath)));
  return parts;
}

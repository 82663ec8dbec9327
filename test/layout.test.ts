/**
 * The house's rooms import one way (README, "Layout"): the entry points (cli/, api/) use the
 * renderers (reports/) and the engine (core/); the engine uses the runners; the runners use the
 * platform profiles and the file formats (profiles/, schemas/) and nothing of the engine. Every
 * relative import of every shipped source is read with esbuild (the parser the bundler uses, so a
 * dynamic `import('...')` with a literal counts too) and resolved to the room it lands in.
 */
import { readFileSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { glob } from 'tinyglobby';
import { expect, it } from 'vitest';
import { moduleImports } from '../runners/bundling/module-imports.ts';

const ROOT = join(import.meta.dirname, '..');

/** Room -> the rooms it may import. A room may always import itself. */
const MAY_IMPORT: Record<string, string[]> = {
  cli: ['api', 'reports', 'core', 'runners', 'profiles', 'schemas'],
  api: ['reports', 'core', 'runners', 'profiles', 'schemas'],
  reports: ['core', 'runners', 'profiles', 'schemas'],
  core: ['runners', 'profiles', 'schemas'],
  runners: ['profiles', 'schemas'],
  profiles: ['schemas'],
  schemas: [],
};

/** The room of a path inside the package: its first folder. */
const roomOf = (path: string) => path.split('/')[0];

it('every room imports only the rooms below it, and runners/ nothing of core/', async () => {
  const files = await glob(Object.keys(MAY_IMPORT).map((room) => `${room}/**/*.{ts,mts,mjs}`), { cwd: ROOT, ignore: ['**/*.test.ts', '**/*.d.mts', '**/fixtures/**'] });
  expect(files.length).toBeGreaterThan(150);
  const wrong: string[] = [];
  for (const file of files) {
    const loader = extname(file) === '.mjs' ? 'js' : 'ts';
    for (const { path } of await moduleImports(readFileSync(join(ROOT, file), 'utf8'), loader, file)) {
      if (!path.startsWith('.')) continue;
      const target = relative(ROOT, join(ROOT, dirname(file), path));
      const [from, to] = [roomOf(file), roomOf(target)];
      if (from !== to && !MAY_IMPORT[from].includes(to)) wrong.push(`${file} imports ${target}`);
    }
  }
  expect(wrong).toEqual([]);
});

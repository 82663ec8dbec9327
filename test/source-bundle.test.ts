/**
 * The CLI loads its TypeScript sources from a cached esbuild bundle (cli/source-bundle.mjs):
 * each source keeps its own import.meta.url, an unchanged tree reuses the bundle, and an edited
 * source is bundled again. Shown on a throwaway package, then on the real CLI.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sourceBundle } from '../cli/source-bundle.mjs';

const BIN = new URL('../cli/bin.mjs', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'ec-source-bundle-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe('the CLI source bundle', () => {
  it('gives each source its own import.meta, reuses an unchanged bundle and remakes it after an edit', async () => {
    write('src/main.ts', "import { where } from './deep/where.ts';\nexport const main: string = import.meta.url;\nexport { where };\n");
    write('src/deep/where.ts', "export const where: string[] = [import.meta.url, import.meta.dirname, import.meta.filename, new URL('../x.json', import.meta.url).pathname];\n");

    const first = await sourceBundle('src/main.ts', root);
    expect(first.made).toBe(true);
    const loaded = await import(pathToFileURL(first.file).href);
    expect(loaded.main).toBe(pathToFileURL(join(root, 'src/main.ts')).href);
    expect(loaded.where).toEqual([pathToFileURL(join(root, 'src/deep/where.ts')).href, join(root, 'src/deep'), join(root, 'src/deep/where.ts'), join(root, 'src/x.json')]);

    expect(await sourceBundle('src/main.ts', root)).toEqual({ file: first.file, made: false });

    write('src/deep/where.ts', "export const where = ['edited'];\n");
    const second = await sourceBundle('src/main.ts', root);
    expect(second.made).toBe(true);
    expect(second.file).not.toBe(first.file);
    expect((await import(pathToFileURL(second.file).href)).where).toEqual(['edited']);
  });

  it('a manifest that is not JSON is made again, not trusted', async () => {
    write('other/entry.ts', 'export const n: number = 1;\n');
    const first = await sourceBundle('other/entry.ts', root);
    writeFileSync(join(root, 'node_modules/.cache/edgecompat/other-entry-ts.json'), '{ not json');
    const again = await sourceBundle('other/entry.ts', root);
    expect(again).toEqual({ file: first.file, made: true });
    expect(JSON.parse(readFileSync(join(root, 'node_modules/.cache/edgecompat/other-entry-ts.json'), 'utf8')).bundle).toBe(first.file.split('/').pop());
  });

  it('the real CLI runs from the bundle of its own sources', () => {
    const ran = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stdout.trim()).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
    const manifest = JSON.parse(readFileSync(new URL('../node_modules/.cache/edgecompat/cli-main-ts.json', import.meta.url), 'utf8'));
    expect(Object.keys(manifest.inputs)).toEqual(expect.arrayContaining(['cli/main.ts', 'core/run/column.ts', 'runners/registry.ts']));
    expect(readFileSync(new URL(`../node_modules/.cache/edgecompat/${manifest.bundle}`, import.meta.url), 'utf8')).toContain('cli/main.ts');
  });
});

/**
 * Synthetic copies of case suites, for measuring how a run grows with the number of cases: each
 * copy is the suite folder as it is (route files and all), with every case id moved under a copy
 * segment (`streaming/copy-3/readable-stream/...`) so that the copies are distinct cases.
 */
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isMap, isSeq, parseDocument } from 'yaml';

/** The id of a case in copy `n`: its area, then `copy-n`, then the rest of the id. */
export function copiedId(id: string, area: string, n: number): string {
  return `${area}/copy-${n}/${id.slice(area.length + 1)}`;
}

/** A case file's text with every case id moved into copy `n`; other YAML files come back unchanged. */
export function copyCaseFile(text: string, n: number): string {
  const doc = parseDocument(text);
  const area = doc.get('area');
  const cases = doc.get('cases');
  if (typeof area !== 'string' || !isSeq(cases)) return text;
  for (const item of cases.items) {
    if (!isMap(item)) continue;
    const id = item.get('id');
    if (typeof id === 'string' && id.startsWith(`${area}/`)) item.set('id', copiedId(id, area, n));
  }
  return doc.toString();
}

function rewriteTree(dir: string, n: number): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) rewriteTree(path, n);
    else if (/\.ya?ml$/.test(entry.name)) writeFileSync(path, copyCaseFile(readFileSync(path, 'utf8'), n));
  }
}

/**
 * Writes `count` copies of each suite folder into `outDir` (copy-1/<folder>, copy-2/<folder> ...)
 * and returns the copies' folders, to be given to `edgecompat run --suite`.
 */
export function writeSuiteCopies(suiteDirs: string[], count: number, outDir: string): string[] {
  const written: string[] = [];
  for (let n = 1; n <= count; n++) {
    for (const dir of suiteDirs) {
      const copy = join(outDir, `copy-${n}`, basename(dir));
      cpSync(dir, copy, { recursive: true });
      rewriteTree(copy, n);
      written.push(copy);
    }
  }
  return written;
}

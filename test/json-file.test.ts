/** core/report/json-file.ts writes the very bytes of JSON.stringify(value, null, 2) and a newline, in pieces. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonPieces, writeJsonFile } from '../core/report/json-file.ts';
import { buildSampleReport } from '../reports/sample-report.ts';

const dir = mkdtempSync(join(tmpdir(), 'ec-json-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const whole = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

describe('writeJsonFile', () => {
  it('gives the bytes of JSON.stringify(value, null, 2) for awkward values', () => {
    const values: Record<string, unknown>[] = [
      {},
      { a: undefined, f: () => 1 },
      { empty: [], obj: {}, n: null, s: 'line\nbreak "q" \u2028 é', x: 1.5, t: true },
      { list: [1, [2, [3]], { k: [{}] }, undefined, () => 0, null, 'a\nb'], nested: { deep: { list: [[], [[]]] } }, d: new Date(0) },
      { only: [{ a: 1, b: [1, 2] }] },
    ];
    for (const [i, value] of values.entries()) {
      const file = join(dir, `v${i}.json`);
      writeJsonFile(file, value);
      expect(readFileSync(file, 'utf8')).toBe(whole(value));
    }
  });

  it('writes a real report as JSON.stringify does, an array item per piece', () => {
    const report = buildSampleReport({ cases: 40, targets: 4 });
    const file = join(dir, 'report.json');
    writeJsonFile(file, report);
    expect(readFileSync(file, 'utf8')).toBe(whole(report));
    const pieces = [...jsonPieces(report)];
    expect(pieces.length).toBeGreaterThan(report.results.length);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(whole(report).length / 2);
  });
});

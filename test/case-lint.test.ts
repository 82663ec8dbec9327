/**
 * The case lint over the shipped suites (part of npm test): unique ids and a source on every case
 * (the loader and the schema), feature names from each area's features.yaml, no two cases with the
 * same route and requests, each area README's counts current, and no project file citing anything
 * outside the product. The rules themselves are tested on small inputs, so each one can fail.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { countsBlock, countsProblems, duplicateProblems, featureProblems, outsideCitations, withCounts } from '../core/cases/case-lint.ts';
import { readSuiteAreas, type SuiteArea } from '../core/cases/suite-areas.ts';
import type { Case } from '../core/types.ts';

// Built so this file does not hold what it forbids.
const OUTSIDE = ['..' + '/shared', 'FACTS' + '.md'];

const fake = (id: string, feature: string, extra: Partial<Case> = {}): Case => ({
  id, title: id, area: 'demo', feature, tags: [], source: 'https://example.org', file: `suites/demo/${feature}.yaml`, resolveDir: '/',
  timeoutMs: 5000, route: 'export default () => new Response("a")', routeLang: 'js',
  steps: [{ request: { method: 'GET', path: '/' }, expect: { status: 200 }, startAfter: 'previous-done' }], ...extra,
});

describe('case lint rules', () => {
  it('finds a feature not listed, and a listed feature no file uses', () => {
    const problems = featureProblems('demo', 'suites/demo/features.yaml', { one: 'x', stale: 'y' }, [fake('demo/one/a', 'one'), fake('demo/two/a', 'two')]);
    expect(problems.map((p) => p.message)).toEqual([
      'feature "two" is not listed in suites/demo/features.yaml; known: one, stale',
      'feature "stale" is listed but no case file of demo uses it',
    ]);
    expect(featureProblems('demo', 'f.yaml', undefined, [])[0].message).toMatch(/no features.yaml/);
  });

  it('finds two cases with the same route and requests, and not ones that differ in either', () => {
    const a = fake('demo/one/a', 'one');
    const sameAsA = fake('demo/one/b', 'one', { expect: undefined } as never);
    const otherPath = fake('demo/one/c', 'one', { steps: [{ request: { method: 'GET', path: '/x' }, expect: {}, startAfter: 'previous-done' }] });
    const otherRoute = fake('demo/one/d', 'one', { route: 'export default () => new Response("b")' });
    expect(duplicateProblems([a, sameAsA, otherPath, otherRoute])).toEqual([{ file: 'suites/demo/one.yaml', message: 'demo/one/b has the same route and requests as demo/one/a (suites/demo/one.yaml)' }]);
  });

  it('checks the README counts block, and writes one', () => {
    const cases = [fake('demo/one/a', 'one'), fake('demo/one/b', 'one'), fake('demo/two/a', 'two')];
    const readme = withCounts('# demo\n\nProse.\n', countsBlock(cases));
    expect(readme).toContain('| one | `one.yaml` | 2 |');
    expect(readme).toContain('| **total** | | **3** |');
    expect(countsProblems('R.md', readme, cases)).toEqual([]);
    expect(countsProblems('R.md', readme, cases.slice(1))[0].message).toMatch(/not current/);
    expect(countsProblems('R.md', '# demo\n', cases)[0].message).toMatch(/no generated counts block/);
    expect(withCounts(readme, countsBlock(cases))).toBe(readme);
  });

  it('finds a line citing a path outside the product', () => {
    expect(outsideCitations('README.md', `a\nsee ${OUTSIDE[0]}/x\n`, OUTSIDE)).toEqual([{ file: 'README.md:2', message: `cites ${OUTSIDE[0]}, which is not part of the product; cite the public source instead` }]);
  });
});

describe('the shipped suites', () => {
  let areas: SuiteArea[] = [];
  beforeAll(async () => {
    areas = await readSuiteAreas('suites');
  });

  it('load (unique ids, a source on every case, valid files)', () => {
    const cases = areas.flatMap((a) => a.cases);
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) expect(c.source, c.id).toMatch(/^https:\/\//);
  });

  it("use only the feature names their area lists", () => {
    expect(areas.flatMap((a) => featureProblems(a.area, a.featuresFile, a.features, a.cases))).toEqual([]);
  });

  it('hold no two cases with the same route and requests', () => {
    expect(duplicateProblems(areas.flatMap((a) => a.cases))).toEqual([]);
  });

  it("keep each area README's counts current", () => {
    expect(areas.flatMap((a) => countsProblems(a.readmeFile, a.readme, a.cases))).toEqual([]);
  });

  it('cite public sources, never a path outside the product', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' }).split('\n')
      .filter((f) => /\.(md|ya?ml|ts|mjs|js|json)$/.test(f) && !f.startsWith('node_modules/'));
    const found = files.flatMap((f) => {
      try {
        return outsideCitations(f, readFileSync(f, 'utf8'), OUTSIDE);
      } catch {
        return [];
      }
    });
    expect(found).toEqual([]);
  });
});

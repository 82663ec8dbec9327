/**
 * The shipped suites, area by area, as the case lint and `npm run suite-counts` read them: each
 * area folder's cases, its features.yaml and its README.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { FEATURES_FILE, loadCases } from './load-cases.ts';
import type { FeatureList } from './case-lint.ts';
import type { Case } from '../types.ts';

/** One area folder under suites/. */
export interface SuiteArea {
  area: string;
  /** The folder, relative to the working directory. */
  dir: string;
  cases: Case[];
  featuresFile: string;
  features?: FeatureList;
  readmeFile: string;
  readme?: string;
}

/** Reads every area folder of `suitesDir` (relative to `cwd`); loading errors throw as in a run. */
export async function readSuiteAreas(suitesDir: string, cwd = process.cwd()): Promise<SuiteArea[]> {
  const root = join(cwd, suitesDir);
  const cases = await loadCases([suitesDir], cwd);
  const areas = readdirSync(root).filter((name) => statSync(join(root, name)).isDirectory()).sort();
  return areas.map((area) => {
    const dir = relative(cwd, join(root, area));
    const featuresFile = join(dir, FEATURES_FILE);
    const readmeFile = join(dir, 'README.md');
    const read = (file: string) => (existsSync(join(cwd, file)) ? readFileSync(join(cwd, file), 'utf8') : undefined);
    const features = read(featuresFile);
    const readme = read(readmeFile);
    return {
      area,
      dir,
      cases: cases.filter((c) => c.area === area),
      featuresFile,
      ...(features !== undefined ? { features: (parse(features) ?? {}) as FeatureList } : {}),
      readmeFile,
      ...(readme !== undefined ? { readme } : {}),
    };
  });
}

/**
 * Writes each area README's generated counts block (cases per feature and file, and the total) from
 * the cases as loaded. The case lint (test/case-lint.test.ts) fails when a block is not current.
 * Usage: npm run suite-counts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { countsBlock, withCounts } from '../core/cases/case-lint.ts';
import { readSuiteAreas } from '../core/cases/suite-areas.ts';

for (const area of await readSuiteAreas('suites')) {
  const before = readFileSync(area.readmeFile, 'utf8');
  const after = withCounts(before, countsBlock(area.cases));
  if (after !== before) writeFileSync(area.readmeFile, after);
  console.log(`${area.readmeFile}: ${area.cases.length} cases${after !== before ? ' (updated)' : ''}`);
}

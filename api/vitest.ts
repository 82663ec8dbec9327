/**
 * `edgecompat/vitest`: edge cases as vitest tests. `await edgecompatTests({ suite, targets })` in a
 * test file declares one test per case and target, named `target > case id`, so `vitest run`, its
 * `-t` filter, its reporters and watch mode work on edge cases. Each target's describe block runs the
 * cases vitest selected in one edgecompat run (the same plan, engine and judge as `edgecompat run`);
 * each test then passes or fails as the gate does: a result that the expectations file gives is as
 * expected, a regression, an unexpected pass or a changed failure fails with the reason, and a SKIP is
 * a skipped test.
 */
import { join } from 'node:path';
import { beforeAll, describe, it } from 'vitest';
import { describeOutcome, gateOutcome } from '../core/judge/gate.ts';
import type { Result } from '../core/report/report-types.ts';
import { plan, run, type RunOptions } from './run.ts';

/** What edgecompatTests takes: run() options (suites, targets, expectations, config ...) and a hook timeout. */
export interface EdgecompatTestsOptions extends Omit<RunOptions, 'onResult' | 'signal'> {
  /** How long one target's run may take, in ms (default 10 minutes: a Next.js build is part of it). */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 600_000;

/** Declares the tests; call it (awaited) at the top level of a test file. */
export async function edgecompatTests(options: EdgecompatTestsOptions = {}): Promise<void> {
  // Planning reads and validates the cases: bad input fails the file at collection, naming the field.
  const planned = await plan({ ...options, allowEmpty: true });
  for (const target of planned.targets) {
    describe(target.name, () => {
      const results = new Map<string, Result>();
      // vitest reads a hook's first parameter as fixtures and wants it destructured; the suite is second.
      beforeAll(async ({}, suite) => {
        // Only the tests vitest will run (after -t and .only) are run on the target.
        const chosen = new Set(suite.tasks.filter((task) => task.mode === 'run' || task.mode === 'only').map((task) => task.name));
        const cases = planned.cases.filter((c) => chosen.has(c.id));
        if (cases.length === 0) return;
        const out = options.out && join(options.out, target.name);
        const report = await run({ ...options, out }, { ...planned, cases, targets: [target] });
        for (const result of report.results) results.set(result.caseId, result);
      }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      for (const c of planned.cases) {
        it(c.id, (context) => {
          const result = results.get(c.id);
          if (!result) throw new Error(`no result for ${c.id} on ${target.name}: the run ended before it (see the errors above)`);
          if (result.status === 'SKIP') return context.skip(result.message);
          if (gateOutcome(result) !== 'as-expected') {
            throw new Error(`${target.name} > ${c.id}: ${describeOutcome(result)}\n${result.message ?? ''}\n(case: ${c.file}${c.line ? `:${c.line}` : ''})`);
          }
        });
      }
    });
  }
}

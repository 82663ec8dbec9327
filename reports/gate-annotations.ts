/**
 * The run's GitHub Actions annotations: one `::error` per result that fails the gate (a regression,
 * an unexpected pass, a changed failure), at the case's line in its YAML file, so the pull request
 * shows it where the case is written. A pure function of the report.
 */
import { describeOutcome, gateOutcome } from '../core/judge/gate.ts';
import type { Report } from '../core/report/report-types.ts';
import { errorCommand } from './github-commands.ts';

/** The annotation lines (empty when every result is as expected). */
export function renderGateAnnotations(report: Report): string {
  const caseById = new Map(report.cases.map((c) => [c.id, c]));
  const lines = report.results.filter((r) => gateOutcome(r) !== 'as-expected').map((r) => {
    const c = caseById.get(r.caseId);
    const title = `edgecompat ${r.target}: ${gateOutcome(r)} ${r.caseId}`;
    const message = r.status === 'PASS' ? describeOutcome(r) : `${describeOutcome(r)}: ${r.message}`;
    return errorCommand({ file: c?.file ?? r.caseId, line: c?.line, title }, message);
  });
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

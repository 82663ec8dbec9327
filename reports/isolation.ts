/**
 * How each column kept its cases apart, from the report's `target.verification`, for the renderers:
 * verified isolation (warm hosts proven clean between cases) or a fresh host per case, how many
 * verdicts warm hosts gave, how many cases the scan sent to fresh hosts and why, the hosts retired
 * (and the reasons most given), and the cases run again alone. Pure functions of a Report.
 */
import type { Report, TargetRun } from '../core/report/report-types.ts';

/** One column's isolation, in figures and short words. */
export interface IsolationRow {
  target: TargetRun;
  mode: 'verified' | 'fresh';
  warmHosts: number;
  casesOnWarmHosts: number;
  /** "code-from-strings 12, timers 3": the scan's hazards, most cases first. */
  freshByScan: string;
  retired: number;
  /** The reasons hosts were retired, most given first, each with its count, at most `maxReasons`. */
  reasons: string[];
  ranAgainAlone: number;
  ranAgainForLoad: number;
}

/** The rows of the columns whose report says how they were isolated (not the skipped ones). */
export function isolationRows(report: Report, maxReasons = 3): IsolationRow[] {
  return report.targets
    .filter((t) => t.verification && !t.skipped)
    .map((t) => {
      const v = t.verification!;
      const byScan = Object.entries(v.freshByScan ?? {}).sort((a, b) => b[1] - a[1]);
      const why = new Map<string, number>();
      for (const r of v.retired ?? []) {
        const reason = reasonOf(r.why);
        why.set(reason, (why.get(reason) ?? 0) + 1);
      }
      return {
        target: t,
        mode: v.mode,
        warmHosts: v.warmHosts ?? 0,
        casesOnWarmHosts: v.casesOnWarmHosts ?? 0,
        freshByScan: byScan.map(([hazard, n]) => `${hazard} ${n}`).join(', '),
        retired: v.retired?.length ?? 0,
        reasons: [...why].sort((a, b) => b[1] - a[1]).slice(0, maxReasons).map(([reason, n]) => `${reason} (${n})`),
        ranAgainAlone: v.ranAgainAlone ?? 0,
        ranAgainForLoad: v.ranAgainForLoad?.length ?? 0,
      };
    });
}

/**
 * What a retirement is about, without the values of one case: the first change's property or fact
 * ("process._eventsCount", "open timers and handles", "proving the host"), or the whole reason when it
 * names none ("the host exited (exit code 1)").
 */
export function reasonOf(why: string): string {
  const first = why.split('; ')[0];
  const colon = first.indexOf(': ');
  const what = colon > 0 ? first.slice(0, colon) : first;
  return what.length > 80 ? `${what.slice(0, 79)}\u2026` : what;
}

/**
 * The deploy phase of a column that stands for a platform: the route's code, as the platform counts
 * it, measured against the column's size limit; over it, the route is refused in the platform's own
 * words, with the figures, and never reaches the target.
 */
import type { LoadFailure } from '../../runners/types.ts';
import { describeFigures, measureCode, refusalMessage, sizeFigures, type SizeFigures, type SizeLimit } from '../../profiles/code-size.ts';

/** What the deploy decided: the figures, and the refusal when the route is over the limit. */
export interface DeployOutcome {
  size: SizeFigures;
  failure?: LoadFailure;
}

/** Measures `parts` against `limit`; `route` names the route in the refusal. */
export function deployCheck(parts: Array<Uint8Array | string>, limit: SizeLimit, route: string): DeployOutcome {
  const size = sizeFigures(measureCode(parts), limit);
  if (!size.over) return { size };
  const message = `${refusalMessage(size, limit, route)} (${describeFigures(size)})`;
  return { size, failure: { name: 'DeployError', message, phase: 'deploy' } };
}

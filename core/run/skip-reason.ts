/**
 * Why a case is not run on a column: an area the column does not run, a requirement it lacks, a
 * route shape it cannot host, a platform or a size limit it does not stand for. Such a cell is SKIP
 * with this reason, judged without starting anything.
 */
import { methodExports } from '../../runners/bundling/route-shape.ts';
import { columnPlatform } from '../../runners/size-limits.ts';
import type { Runner, TargetConfig } from '../../runners/types.ts';
import type { SizeLimit } from '../../profiles/code-size.ts';
import type { Case } from '../types.ts';

/**
 * Why `testCase` is not run on `target`: an area the column does not run, a requirement it lacks, a
 * size limit it does not deploy under.
 */
export function skipReason(target: TargetConfig, testCase: Case, runner: Runner, sizeLimit?: SizeLimit): string | undefined {
  if (target.areas && !target.areas.includes(testCase.area)) {
    return `${target.name} runs only the ${target.areas.join(', ')} area${target.areas.length > 1 ? 's' : ''}; its runtime's own column judges the rest`;
  }
  const missing = testCase.requires?.filter((r) => !runner.provides?.includes(r)) ?? [];
  if (missing.includes('platform-cache')) {
    return `needs a platform's HTTP cache in front of the route; ${target.name} is the runtime alone (see the +cache columns, or run --url against a deployment)`;
  }
  if (runner.routeShapes && !runner.routeShapes.includes('method-exports') && methodExports(testCase.route, testCase.routeLang)) {
    return `its route exports HTTP method handlers (a Next.js route handler); ${target.name} hosts a default export only`;
  }
  const standsFor = columnPlatform(target, sizeLimit);
  if (testCase.platform && testCase.platform !== standsFor) {
    return `states what the ${testCase.platform} platform does; ${target.name} ${standsFor ? `stands for ${standsFor}` : 'stands for no platform'}`;
  }
  if (testCase.sizeLimit && testCase.sizeLimit !== sizeLimit?.id) {
    const deploys = sizeLimit ? `deploys under ${sizeLimit.id}` : 'stands for no platform with a size limit';
    return `states the ${testCase.sizeLimit} size limit; ${target.name} ${deploys} (its sizeLimit setting picks another)`;
  }
  return undefined;
}

/**
 * The typed registry of runners and the columns of the matrix, as data. A column is a runner plus
 * settings under its own name; the same runner may appear several times.
 */
import { createBunRunner } from './bun/runner.ts';
import { createDenoRunner } from './deno/runner.ts';
import { edgeRuntimeRunner } from './edge-runtime/runner.ts';
import { httpRunner } from './http/runner.ts';
import { nextjsRunner } from './nextjs/runner.ts';
import { nodeRunner } from './node/runner.ts';
import type { RunnerFactory, TargetConfig } from './types.ts';

/** Every built-in runner, by the name columns refer to. */
export const RUNNERS: Record<string, RunnerFactory> = {
  node: nodeRunner,
  'edge-runtime': edgeRuntimeRunner,
  deno: createDenoRunner,
  bun: createBunRunner,
  nextjs: nextjsRunner,
  http: httpRunner,
};

/** The built-in columns; those marked default make up the matrix of `npm start`. */
export const TARGETS: TargetConfig[] = [
  { name: 'node', runner: 'node', settings: {}, default: true },
  { name: 'edge-runtime', runner: 'edge-runtime', settings: {}, default: true },
  { name: 'deno', runner: 'deno', settings: {}, default: true },
  { name: 'bun', runner: 'bun', settings: {}, default: true },
  { name: 'nextjs', runner: 'nextjs', settings: { router: 'pages' }, default: true },
  { name: 'nextjs-app', runner: 'nextjs', settings: { router: 'app' }, default: true },
];

/** The columns of the default matrix. */
export function defaultTargets(): TargetConfig[] {
  return TARGETS.filter((t) => t.default);
}

/**
 * A run's plan, before anything starts: the cases loaded and validated, filtered and sharded, the
 * columns chosen (built-in, a config's own, plug-ins', deployed URLs) and the expectations read. The
 * CLI's run, the programmatic API and the vitest entry all plan this one way.
 */
import { expectedStatus, knownFailingSubtests, readExpectations, unusedExpectations, type ExpectationsFile } from './expectations.ts';
import { InputError } from './input-error.ts';
import { loadCases } from './loader.ts';
import { filterCases, parseShard, selectTargets, shardCases } from './planner.ts';
import type { Case } from './types.ts';
import type { TargetsSource } from './config.ts';
import { urlTargets } from '../runners/http/runner.ts';
import { loadPlugins } from '../runners/plugins.ts';
import { RUNNERS, TARGETS, defaultTargets } from '../runners/registry.ts';
import type { RunnerFactory, TargetConfig } from '../runners/types.ts';

/** What to run. */
export interface PlanOptions {
  /** Case folders, YAML files or globs. */
  suite: string[];
  /** Case id globs or id prefixes. */
  filter?: string[];
  area?: string[];
  tag?: string[];
  /** "i/n": the stable slice i of n of the cases. */
  shard?: string;
  /** Let a selection of zero cases stand (else an InputError). */
  allowEmpty?: boolean;
  /** Column names (default: the default matrix, or none when urls are given). */
  targets?: string[];
  /** Base URLs of deployed apps; each is a column of the http runner. */
  url?: string[];
  /** Plug-in runner modules; their columns join the run. */
  runner?: string[];
  /** Columns defined by a config file; selectable by name. */
  columns?: TargetConfig[];
  /** The config file the columns come from, for messages. */
  configFile?: string;
  /** Where `targets` was written, when a config gave it (else it is --targets). */
  targetsAt?: TargetsSource;
  /** A file of known results that are not PASS. */
  expectations?: string;
}

/** A planned run. */
export interface RunPlan {
  /** Every loaded case (its hash names the case set). */
  allCases: Case[];
  /** The cases to run. */
  cases: Case[];
  targets: TargetConfig[];
  runners: Record<string, RunnerFactory>;
  expectations?: ExpectationsFile;
  /** Expectations that match no case of the run (stale entries), for a warning. */
  staleExpectations: string[];
  /** What runMatrix takes from the expectations. */
  expected: ReturnType<typeof expectedStatus>;
  knownFailingSubtests: ReturnType<typeof knownFailingSubtests>;
}

/** Plans a run; bad input (cases, names, files) is an InputError naming the file and field. */
export async function planRun(options: PlanOptions): Promise<RunPlan> {
  const allCases = await loadCases(options.suite);
  let cases = filterCases(allCases, { ids: options.filter, areas: options.area, tags: options.tag });
  if (options.shard) cases = shardCases(cases, parseShard(options.shard));
  // A filter that matches nothing is most often a typo: a gate that then runs nothing must not pass.
  if (cases.length === 0 && !options.allowEmpty) {
    const what = [options.filter && `--filter ${options.filter.join(',')}`, options.area && `--area ${options.area.join(',')}`, options.tag && `--tag ${options.tag.join(',')}`, options.shard && `--shard ${options.shard}`].filter(Boolean).join(' ');
    throw new InputError([{ file: what || options.suite.join(', '), message: `selects no case of the ${allCases.length} loaded; nothing would run (pass --allow-empty if that is intended)` }]);
  }
  const plugins = await loadPlugins(options.runner ?? []);
  const runners = { ...RUNNERS, ...plugins.runners };
  // A config's own columns come first: one named like a built-in column replaces it.
  const columns = options.columns ?? [];
  for (const column of columns) {
    if (!runners[column.runner]) throw new InputError([{ file: options.configFile ?? 'targets', path: '/targets', message: `column "${column.name}" names the runner "${column.runner}", which is neither built in (${Object.keys(RUNNERS).join(', ')}) nor a plug-in's` }]);
    plugins.checkColumn(column);
  }
  const known = [...columns, ...TARGETS, ...plugins.targets];
  const named = options.targets ? selectTargets(options.targets, known, options.targetsAt) : options.url?.length ? [] : defaultTargets();
  const chosen = [...named, ...urlTargets(options.url ?? [])];
  const targets = [...chosen, ...plugins.targets.filter((t) => !chosen.some((c) => c.name === t.name))];
  const expectations = options.expectations ? readExpectations(options.expectations) : undefined;
  return {
    allCases,
    cases,
    targets,
    runners,
    expectations,
    staleExpectations: expectations ? unusedExpectations(expectations, cases.map((c) => c.id)) : [],
    expected: expectedStatus(expectations),
    knownFailingSubtests: knownFailingSubtests(expectations),
  };
}

/**
 * A run's plan, before anything starts: the cases loaded and validated, filtered and sharded, the
 * columns chosen (built-in, a config's own, plug-ins', deployed URLs) and the expectations read. The
 * CLI's run, the programmatic API and the vitest entry all plan this one way.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expectedStatus, knownFailingSubtests, readExpectations, unusedExpectations, type ExpectationsFile } from '../cases/expectations.ts';
import { InputError } from '../../schemas/input-error.ts';
import { loadCases } from '../cases/load-cases.ts';
import { readReport } from '../report/read-report.ts';
import { readJournal, REPORT_FILE, RESULTS_FILE, type Journal } from '../report/recorder.ts';
import { filterCases, parseShard, selectTargets, shardCases } from './select.ts';
import type { Case } from '../types.ts';
import type { TargetsSource } from '../cases/config.ts';
import { urlTargets } from '../../runners/http/runner.ts';
import { loadPlugins } from '../../runners/plugins.ts';
import { RUNNERS, TARGETS, defaultTargets } from '../../runners/registry.ts';
import type { RunnerFactory, TargetConfig } from '../../runners/types.ts';
import { caseSetHash } from '../cases/case-keys.ts';

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
  /** The output folder of an interrupted run to finish (run --resume): its journal's cells are not run again. */
  resume?: string;
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
  /** run --resume: what the interrupted run finished (see readResume). */
  done?: Journal;
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
  const done = options.resume !== undefined ? readResume(options.resume, allCases, cases, targets) : undefined;
  return {
    allCases,
    cases,
    targets,
    runners,
    expectations,
    staleExpectations: expectations ? unusedExpectations(expectations, cases.map((c) => c.id)) : [],
    expected: expectedStatus(expectations),
    knownFailingSubtests: knownFailingSubtests(expectations),
    ...(done ? { done } : {}),
  };
}

/**
 * run --resume: what the run in `dir` finished, read from its results.jsonl, once it is known to be
 * the same run. When the interrupted run wrote its report.json (Ctrl-C, SIGTERM, an internal error;
 * a run removes an older report.json when it starts, so one found there is that run's), the case set
 * must be the same (caseSetHash of the loaded cases) and so must the selection (the case ids after
 * --filter, --area, --tag and --shard). In every case each cell of the journal must be a cell of
 * this plan (a column and a case it runs). Anything else is an InputError: nothing is run.
 */
function readResume(dir: string, allCases: Case[], cases: Case[], targets: TargetConfig[]): Journal {
  const journalFile = join(dir, RESULTS_FILE);
  if (!existsSync(journalFile)) throw new InputError([{ file: journalFile, message: 'no such file: --resume takes the output folder of a run (its results.jsonl)' }]);
  const journal = readJournal(journalFile);
  const again = 'resume with the suites, case options and targets of the interrupted run, or start a new run';
  const reportFile = join(dir, REPORT_FILE);
  if (existsSync(reportFile)) {
    const report = readReport(reportFile);
    const hash = caseSetHash(allCases);
    if (report.caseSetHash !== hash) throw new InputError([{ file: reportFile, path: '/caseSetHash', message: `the interrupted run loaded another case set (${report.caseSetHash}) than this run (${hash}): ${again}` }]);
    const before = new Set(report.cases.map((c) => c.id));
    const now = new Set(cases.map((c) => c.id));
    const differ = [...before].find((id) => !now.has(id)) ?? [...now].find((id) => !before.has(id));
    if (differ !== undefined) throw new InputError([{ file: reportFile, path: '/cases', message: `the interrupted run selected ${before.size} case(s), this run ${now.size}; "${differ}" is in only one of them: ${again}` }]);
  }
  const columns = new Set(targets.map((t) => t.name));
  const ids = new Set(cases.map((c) => c.id));
  const stray = journal.results.findIndex((r) => !columns.has(r.target) || !ids.has(r.caseId));
  if (stray >= 0) {
    const r = journal.results[stray];
    throw new InputError([{ file: journalFile, message: `result ${stray + 1} (${r.target} × ${r.caseId}) is not a cell of this run: ${again}` }]);
  }
  return journal;
}

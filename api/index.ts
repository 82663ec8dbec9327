/**
 * `edgecompat`: the programmatic API. Load cases, plan and run them on targets, judge observations,
 * and render reports, with the same code the CLI uses.
 */
export { plan, run, type RunOptions } from './run.ts';
export { planRun, type PlanOptions, type RunPlan } from '../core/run/plan.ts';
export { findConfig, readConfig, type Config } from '../core/cases/config.ts';
export { loadCases } from '../core/cases/load-cases.ts';
export { filterCases, shardCases } from '../core/run/select.ts';
export { judge } from '../core/judge/judge.ts';
export { gateOutcome, describeOutcome } from '../core/judge/gate.ts';
export { runMatrix, RunInternalError, type MatrixOptions } from '../core/run/run-matrix.ts';
export { Recorder } from '../core/report/recorder.ts';
export { readReport } from '../core/report/read-report.ts';
export { mergeReports } from '../core/report/merge.ts';
export { diffReports } from '../core/report/diff.ts';
export { InputError, type Problem } from '../schemas/input-error.ts';
export { renderHtml } from '../reports/html/render.ts';
export { renderJunit } from '../reports/junit.ts';
export { renderMarkdown } from '../reports/markdown.ts';
export { renderTerminal } from '../reports/terminal.ts';
export { TARGETS, defaultTargets } from '../runners/registry.ts';
export type { Case, Status } from '../core/types.ts';
export type { Report, Result, TargetRun, CaseEntry } from '../core/report/report-types.ts';
export type { Runner, RunnerFactory, RunnerContext, RouteModule, Loaded, TargetConfig, TargetInfo } from '../runners/types.ts';

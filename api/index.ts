/**
 * `edgecompat`: the programmatic API. Load cases, plan and run them on targets, judge observations,
 * and render reports, with the same code the CLI uses.
 */
export { plan, run, type RunOptions } from './run.ts';
export { planRun, type PlanOptions, type RunPlan } from '../core/run-plan.ts';
export { findConfig, readConfig, type Config } from '../core/config.ts';
export { loadCases } from '../core/loader.ts';
export { filterCases, shardCases } from '../core/planner.ts';
export { judge } from '../core/judge.ts';
export { gateOutcome, describeOutcome } from '../core/gate.ts';
export { runMatrix, RunInternalError, type MatrixOptions } from '../core/run-matrix.ts';
export { Recorder } from '../core/recorder.ts';
export { readReport } from '../core/read-report.ts';
export { mergeReports } from '../core/merge.ts';
export { diffReports } from '../core/diff.ts';
export { InputError, type Problem } from '../core/input-error.ts';
export { renderHtml } from '../reports/html/render.ts';
export { renderJunit } from '../reports/junit.ts';
export { renderMarkdown } from '../reports/markdown.ts';
export { renderTerminal } from '../reports/terminal.ts';
export { TARGETS, defaultTargets } from '../runners/registry.ts';
export type { Case, Status } from '../core/types.ts';
export type { Report, Result, TargetRun, CaseEntry } from '../core/report-types.ts';
export type { Runner, RunnerFactory, RunnerContext, RouteModule, Loaded, TargetConfig, TargetInfo } from '../runners/types.ts';

// `edgecompat`: the programmatic API (index.ts), loadable from plain Node.
import './register.mjs';

const api = await import('./index.ts');
export const {
  plan, run, planRun, findConfig, readConfig, loadCases, filterCases, shardCases, judge, gateOutcome, describeOutcome,
  runMatrix, RunInternalError, Recorder, readReport, mergeReports, diffReports, InputError,
  renderHtml, renderJunit, renderMarkdown, renderTerminal, TARGETS, defaultTargets,
} = api;

/**
 * `edgecompat list`: the cases (after the same filters as run) and the known targets, without
 * running anything.
 */
import { loadCases } from '../core/cases/load-cases.ts';
import { filterCases } from '../core/run/select.ts';
import { loadPlugins } from '../runners/plugins.ts';
import { TARGETS } from '../runners/registry.ts';
import type { TargetConfig } from '../runners/types.ts';

/** The options of `edgecompat list`. */
export interface ListCommandOptions {
  suite: string[];
  filter?: string[];
  area?: string[];
  tag?: string[];
  json?: boolean;
  /** Plug-in runner modules; their columns are listed with the built-in ones. */
  runner?: string[];
  /** Columns a config file defines. */
  columns?: TargetConfig[];
}

/** Prints cases and targets; resolves with the exit code. */
export async function listCommand(options: ListCommandOptions): Promise<number> {
  const cases = filterCases(await loadCases(options.suite), { ids: options.filter, areas: options.area, tags: options.tag });
  const plugins = await loadPlugins(options.runner ?? []);
  const targets = [...TARGETS, ...plugins.targets, ...(options.columns ?? [])];
  if (options.json) {
    const out = { cases: cases.map(({ id, title, area, feature, tags, source, file }) => ({ id, title, area, feature, tags, source, file })), targets };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  const lines = [`Cases (${cases.length}):`];
  for (const c of cases) lines.push(`  ${c.id}  ${c.title}`);
  lines.push('', `Targets (${targets.length}; * = in the default matrix):`);
  for (const t of targets) {
    const settings = Object.keys(t.settings).length > 0 ? `  ${JSON.stringify(t.settings)}` : '';
    lines.push(`  ${t.default ? '*' : ' '} ${t.name}  (runner ${t.runner})${settings}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

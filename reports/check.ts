/**
 * The outputs of `edgecompat check`, each a pure function of its report: text for a terminal, and
 * GitHub Actions workflow commands (`::error file=...,line=...,col=...,title=...::message`,
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions) that annotate the
 * lines of a pull request. JSON is the report itself.
 */
import { errorCommand } from './github-commands.ts';
import { bytes } from '../profiles/code-size.ts';
import type { CheckReport, Finding, RouteCheck, SizeCheck } from '../core/check/run-check.ts';

/** The report as text: per route, its size against each limit, then each forbidden use with its chain. */
export function renderCheckText(report: CheckReport): string {
  const out: string[] = [];
  for (const route of report.routes) {
    const bad = route.findings.length > 0 || route.sizes.some((s) => s.over);
    out.push(`${bad ? '✗' : '✓'} ${route.route}  (${route.kind})`);
    for (const size of route.sizes) out.push(`    ${sizeLine(size)}`);
    for (const group of groupByUse(route)) {
      const [first] = group;
      out.push(`    ${first.file}:${first.line}:${first.column}  ${first.rule}  ${first.what}`);
      for (const finding of group) out.push(`      ${finding.platform}: ${finding.message}`);
      if (first.chain.length > 1) out.push(`      imported via ${first.chain.join(' → ')}`);
    }
  }
  const over = report.routes.filter((r) => r.sizes.some((s) => s.over)).length;
  const flagged = report.routes.filter((r) => r.findings.length > 0).length;
  out.push('');
  out.push(report.ok
    ? `edgecompat check: ${report.routes.length} route(s) clean against ${report.limits.join(', ')}`
    : `edgecompat check: ${flagged} route(s) with forbidden uses, ${over} over a size limit, of ${report.routes.length} (${report.limits.join(', ')})`);
  return `${out.join('\n')}\n`;
}

function sizeLine(size: SizeCheck): string {
  const measured = size.compression === 'gzip' ? 'after gzip' : 'as is';
  const head = `${size.limit.padEnd(24)} raw ${bytes(size.rawBytes)}, gzip ${bytes(size.gzipBytes)}; limit ${bytes(size.limitBytes)} ${measured}`;
  return size.over ? `${head}  OVER: ${size.message}` : `${head}  ok`;
}

/** The findings of a route grouped by use (the same place and rule), platforms in order. */
function groupByUse(route: RouteCheck): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const finding of route.findings) {
    const key = `${finding.file}:${finding.line}:${finding.column}:${finding.rule}`;
    groups.set(key, [...(groups.get(key) ?? []), finding]);
  }
  return [...groups.values()].sort((a, b) => a[0].file.localeCompare(b[0].file) || a[0].line - b[0].line || a[0].column - b[0].column);
}

/** One `::error` line per forbidden use and per route over a limit. */
export function renderCheckGithub(report: CheckReport): string {
  const lines: string[] = [];
  for (const route of report.routes) {
    for (const group of groupByUse(route)) {
      const [first] = group;
      const via = first.chain.length > 1 ? ` (imported via ${first.chain.join(' → ')})` : '';
      const message = group.map((f) => `${f.platform}: ${f.message}`).join('\n') + via;
      lines.push(errorCommand({ file: first.file, line: first.line, col: first.column, title: `edgecompat ${first.rule}: ${first.what}` }, message));
    }
    for (const size of route.sizes.filter((s) => s.over)) {
      lines.push(errorCommand({ file: route.route, title: `edgecompat size over ${size.limit}` }, size.message ?? ''));
    }
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

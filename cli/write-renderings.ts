/**
 * Writing a report's renderings: the reporters a user picks (like vitest's --reporter), each a pure
 * renderer from reports/, written into the output folder or printed.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffReports } from '../core/report/diff.ts';
import type { Report } from '../core/report/report-types.ts';
import { renderDiffText } from '../reports/diff-text.ts';
import { renderHtml } from '../reports/html/render.ts';
import { renderJunit } from '../reports/junit.ts';
import { renderMarkdown } from '../reports/markdown.ts';
import { renderTerminal } from '../reports/terminal.ts';

/** The reporters edgecompat knows; json is report.json, always written. */
export const REPORTERS = ['terminal', 'json', 'html', 'junit', 'markdown'] as const;
/** One reporter's name. */
export type ReporterName = (typeof REPORTERS)[number];
/** The reporters of a run when none are named. */
export const DEFAULT_REPORTERS: ReporterName[] = ['terminal', 'json', 'html', 'junit', 'markdown'];

/** The file each file-writing reporter writes into the output folder. */
export const REPORTER_FILES = { html: 'index.html', junit: 'junit.xml', markdown: 'summary.md' } as const;

/** More options of {@link writeRenderings}. */
export interface RenderingOptions {
  /** A previous run: the HTML gets a "changes since the baseline" section, the terminal the diff. */
  baseline?: Report;
}

/**
 * Writes (or prints) each chosen rendering of the report; report.json itself is written by the
 * recorder. The Markdown summary is also appended to $GITHUB_STEP_SUMMARY when that is set.
 * Returns the files written.
 */
export function writeRenderings(report: Report, outDir: string, reporters: readonly ReporterName[], env = process.env, options: RenderingOptions = {}): string[] {
  const written = [join(outDir, 'report.json')];
  const chosen = new Set(reporters);
  const write = (file: string, text: string) => {
    writeFileSync(join(outDir, file), text);
    written.push(join(outDir, file));
  };
  if (chosen.has('html')) write(REPORTER_FILES.html, renderHtml(report, { baseline: options.baseline }));
  if (chosen.has('junit')) write(REPORTER_FILES.junit, renderJunit(report));
  if (chosen.has('markdown')) {
    const markdown = renderMarkdown(report);
    write(REPORTER_FILES.markdown, markdown);
    if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
  }
  if (chosen.has('terminal')) {
    const color = Boolean(process.stdout.isTTY) && !env.NO_COLOR;
    process.stdout.write(renderTerminal(report, { color }));
    if (options.baseline) process.stdout.write(`\n${renderDiffText(diffReports(options.baseline, report), { color })}`);
  }
  return written;
}

/**
 * What the HTML report of a large run costs (npm run bench, step 6): rendering it (renderHtml), and
 * in Chromium, when installed, opening it until its filters are ready and filtering its rows by text
 * once. The report is the sample one of 300 cases x 10 targets (reports/sample-report.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderHtml } from '../reports/html/render.ts';
import { buildSampleReport } from '../reports/sample-report.ts';
import { haveChromium, launchChromium } from './chromium.ts';

/** The timings, ms; the browser's are undefined without Chromium. */
export interface HtmlTimes {
  cases: number;
  targets: number;
  /** renderHtml, the median of `renders` renders. */
  renderMs: number;
  /** From navigation until the filters show their count. */
  loadMs?: number;
  /** One text filter over every row, in the page. */
  filterMs?: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Measures the sample report's HTML: `renders` renders, then one open and one filter in Chromium. */
export async function htmlTimes(renders = 5): Promise<HtmlTimes> {
  const report = buildSampleReport();
  const times: number[] = [];
  let html = '';
  for (let i = 0; i < renders; i++) {
    const began = performance.now();
    html = renderHtml(report);
    times.push(performance.now() - began);
  }
  const figures: HtmlTimes = { cases: report.cases.length, targets: report.targets.length, renderMs: median(times) };
  if (!haveChromium()) return figures;
  const dir = mkdtempSync(join(tmpdir(), 'edgecompat-bench-html-'));
  const browser = await launchChromium();
  try {
    const file = join(dir, 'index.html');
    writeFileSync(file, html);
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const began = performance.now();
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => (document.getElementById('f-count')?.textContent ?? '') !== '');
    figures.loadMs = performance.now() - began;
    figures.filterMs = await page.evaluate((text) => {
      const input = document.getElementById('f-text') as HTMLInputElement;
      const t0 = performance.now();
      input.value = text;
      input.dispatchEvent(new Event('input'));
      return performance.now() - t0;
    }, report.cases[1].id);
    return figures;
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

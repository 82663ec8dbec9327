/**
 * The HTML report in a real browser (Chromium through playwright-core, from a file:// URL): the matrix
 * renders, the filters hide rows, a click shows a cell's detail, and hostile strings everywhere run
 * nothing and show as text. Skipped when /usr/bin/chromium is missing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, haveChromium, launchChromium } from '../scripts/chromium.ts';
import type { Report } from '../core/report/report-types.ts';
import { renderHtml } from '../reports/html/render.ts';
import { HOSTILE, buildSampleReport } from '../reports/sample-report.ts';

const HAVE_CHROMIUM = haveChromium();
if (!HAVE_CHROMIUM) console.warn(`html-browser.test.ts: skipped, ${CHROMIUM} is missing (apt-get install -y chromium)`);

const plainReport = buildSampleReport({ cases: 60, targets: 5 });
const hostileReport = buildSampleReport({ cases: 40, targets: 4, hostile: true, skippedTarget: true });
let browser: Browser;
let dir: string;

/** Write the report's HTML to the temp dir and open it; record dialogs, page errors and requests. */
async function open(report: Report, name: string) {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, renderHtml(report));
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const seen = { dialogs: [] as string[], errors: [] as string[], requests: [] as string[] };
  page.on('dialog', (d) => { seen.dialogs.push(d.message()); void d.dismiss(); });
  page.on('pageerror', (e) => seen.errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') seen.errors.push(m.text()); });
  page.on('request', (r) => { if (!r.url().startsWith('file:')) seen.requests.push(r.url()); });
  const t0 = Date.now();
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => (document.getElementById('f-count')?.textContent ?? '') !== '');
  return { page, seen, loadMs: Date.now() - t0 };
}
const visibleRows = (page: Page) => page.locator('tr.case:not([hidden])').count();

describe.skipIf(!HAVE_CHROMIUM)('HTML report in Chromium', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edgecompat-html-'));
    browser = await launchChromium();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders the matrix: rows and columns match the report', async () => {
    const { page, seen } = await open(plainReport, 'plain');
    expect(await page.locator('tr.case').count()).toBe(plainReport.cases.length);
    expect(await page.locator('th.tgt').count()).toBe(plainReport.targets.length);
    expect(await page.locator('tr.case').first().locator('td.st').count()).toBe(plainReport.targets.length);
    expect(await page.locator('#f-count').textContent()).toBe(`Showing ${plainReport.cases.length} of ${plainReport.cases.length} cases`);
    expect(seen.errors).toEqual([]);
    expect(seen.requests).toEqual([]);
    await page.close();
  });

  it('filters by text, by area, by status, and to rows where targets differ', async () => {
    const { page } = await open(plainReport, 'filters');
    const total = plainReport.cases.length;
    await page.fill('#f-text', plainReport.cases[7].id);
    expect(await visibleRows(page)).toBe(1);
    await page.fill('#f-text', '');
    expect(await visibleRows(page)).toBe(total);

    await page.selectOption('#f-area', 'streaming');
    expect(await visibleRows(page)).toBe(plainReport.cases.filter((c) => c.area === 'streaming').length);
    await page.selectOption('#f-area', '');

    const withCrash = new Set(plainReport.results.filter((r) => r.status === 'CRASH').map((r) => r.caseId)).size;
    await page.selectOption('#f-status', 'CRASH');
    expect(await visibleRows(page)).toBe(withCrash);
    expect(withCrash).toBeLessThan(total);
    expect(await page.locator('tr.feat:not([hidden])').count()).toBeLessThan(await page.locator('tr.feat').count());
    await page.selectOption('#f-status', '');

    const differing = plainReport.cases.filter((c) => new Set(plainReport.results.filter((r) => r.caseId === c.id && r.status !== 'SKIP').map((r) => r.status)).size > 1).length;
    await page.check('#f-differ');
    expect(await visibleRows(page)).toBe(differing);
    expect(differing).toBeLessThan(total);
    await page.uncheck('#f-differ');
    expect(await visibleRows(page)).toBe(total);
    await page.close();
  });

  it('opens a cell\'s detail on click: judge message, body excerpt, timeline', async () => {
    const { page } = await open(plainReport, 'detail');
    const r = plainReport.results.find((x) => x.status === 'FAIL')!;
    const ci = plainReport.cases.findIndex((c) => c.id === r.caseId);
    const ti = plainReport.targets.findIndex((t) => t.name === r.target);
    expect(await page.locator('#detail').isVisible()).toBe(false);
    await page.click(`tr.case[data-c="${ci}"] td[data-t="${ti}"]`);
    const detail = page.locator('#detail');
    expect(await detail.isVisible()).toBe(true);
    expect(await detail.locator('.msg').textContent()).toBe(r.message);
    expect(await detail.locator('pre.body').textContent()).toBe(r.observation.steps[0].bodyExcerpt);
    expect(await detail.locator('.tl i').count()).toBe(r.observation.steps[0].chunks!.length);
    expect(await detail.locator('pre.fields').textContent()).toBe(r.observation.steps[0].headerFields!.map(([n, v]) => `${n}: ${v}`).join('\n'));
    expect(await detail.textContent()).toContain(r.caseId);
    await page.keyboard.press('Escape');
    expect(await detail.isVisible()).toBe(false);
    await page.close();
  });

  it('runs no script from hostile strings and shows them as text', async () => {
    const { page, seen } = await open(hostileReport, 'hostile');
    // 1. The matrix itself: hostile titles, a hostile target name and feature show as text.
    expect(await page.locator('tr.case').count()).toBe(hostileReport.cases.length);
    const table = await page.locator('#matrix').innerText();
    expect(table).toContain(HOSTILE.title);
    expect(table).toContain(HOSTILE.target);
    expect(table).toContain(HOSTILE.feature);
    // 2. A cell whose case and observation are hostile everywhere.
    const ci = hostileReport.cases.findIndex((c) => c.title === HOSTILE.title && c.route === HOSTILE.route);
    const ti = hostileReport.targets.findIndex((_, t) => hostileReport.results.find((r) => r.caseId === hostileReport.cases[ci].id && r.target === hostileReport.targets[t].name)?.observation.steps[0]?.bodyExcerpt === HOSTILE.body);
    expect(ti).toBeGreaterThanOrEqual(0);
    await page.click(`tr.case[data-c="${ci}"] td[data-t="${ti}"]`);
    const detail = await page.locator('#detail').innerText();
    for (const text of [HOSTILE.title, HOSTILE.body, HOSTILE.header, HOSTILE.route, HOSTILE.source]) expect(detail).toContain(text);
    expect(await page.locator('#detail a[href^="javascript"]').count()).toBe(0);
    // 3. Every cell's detail (errors, crashes, messages) is built once.
    await page.evaluate(() => document.querySelectorAll<HTMLElement>('td.st').forEach((td) => td.click()));
    const errorCell = hostileReport.results.find((r) => r.observation.loadError?.message === HOSTILE.error)!;
    await page.click(`tr.case[data-c="${hostileReport.cases.findIndex((c) => c.id === errorCell.caseId)}"] td[data-t="${hostileReport.targets.findIndex((t) => t.name === errorCell.target)}"]`);
    expect(await page.locator('#detail').innerText()).toContain(HOSTILE.error);
    // 4. Nothing ran, nothing loaded, nothing was refused by the CSP (which would mean markup got through).
    await page.waitForTimeout(200);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await page.locator('#matrix img, #matrix svg, #matrix script, #detail img, #detail svg, #detail script').count()).toBe(0);
    expect(seen.dialogs).toEqual([]);
    expect(seen.errors).toEqual([]);
    expect(seen.requests).toEqual([]);
    await page.close();
  });

  it('opens 300 cases x 10 targets, every row, and filters them (its timings are npm run bench\'s)', async () => {
    const big = buildSampleReport();
    const { page, seen } = await open(big, 'big');
    expect(await page.locator('tr.case').count()).toBe(big.cases.length);
    expect(await visibleRows(page)).toBe(big.cases.length);
    await page.fill('#f-text', big.cases[123].id);
    expect(await visibleRows(page)).toBe(1);
    expect(seen.errors).toEqual([]);
    await page.close();
  });
});

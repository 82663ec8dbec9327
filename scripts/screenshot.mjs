#!/usr/bin/env zx
// Takes the screenshot of the matrix that the README shows (docs/matrix.png), from a report
// already rendered: npm start, then `npm run screenshot [-- --report edgecompat-report/index.html]`.
// Uses Debian's Chromium (apt-get install chromium) through playwright-core.
import 'zx/globals';
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';

const page = path.resolve(argv.report ?? 'edgecompat-report/index.html');
const out = path.resolve(argv.out ?? 'docs/matrix.png');
if (!fs.existsSync(page)) throw new Error(`${page} does not exist: run npm start first`);
const browser = await chromium.launch({
  executablePath: argv.chromium ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const tab = await browser.newPage({ viewport: { width: Number(argv.width ?? 1600), height: Number(argv.height ?? 1000) } });
  await tab.goto(pathToFileURL(page).href);
  await fs.ensureDir(path.dirname(out));
  await tab.screenshot({ path: out });
  echo(`wrote ${path.relative(process.cwd(), out)}`);
} finally {
  await browser.close();
}

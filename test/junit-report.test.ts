/**
 * renderJunit: counts per suite match the report, hostile and invalid characters cannot break the XML,
 * and the whole document parses in a real XML parser (Chromium's DOMParser through playwright-core:
 * no XML parser is installed in node_modules). The parser check is skipped without /usr/bin/chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { haveChromium, launchChromium } from '../scripts/chromium.ts';
import { escapeXml, renderJunit } from '../reports/junit.ts';
import { buildSampleReport } from '../reports/sample-report.ts';

const report = buildSampleReport({ cases: 60, targets: 5, hostile: true, skippedTarget: true });
const xml = renderJunit(report);

function expectedCounts(target: string) {
  const rs = report.results.filter((r) => r.target === target);
  const n = (s: string[]) => rs.filter((r) => s.includes(r.status)).length;
  // A pass the expectations file did not expect is a failure too: the gate fails on it.
  const unexpectedPasses = rs.filter((r) => r.status === 'PASS' && r.expected !== 'PASS').length;
  return { tests: rs.length, failures: n(['FAIL']) + unexpectedPasses, errors: n(['ERROR', 'CRASH', 'TIMEOUT']), skipped: n(['SKIP']) };
}

describe('renderJunit (string checks)', () => {
  it('has no character XML 1.0 forbids', () => {
    expect(xml).not.toMatch(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u);
  });
  it('escapes markup in names and messages', () => {
    expect(xml).not.toContain('<img');
    expect(xml).not.toContain('<script');
    expect(escapeXml('a<b>&"\'\u0000\u001b\uD800z')).toBe('a&lt;b&gt;&amp;&quot;&apos;z');
  });
  it('has one testsuite per target and one testcase per result', () => {
    expect(xml.match(/<testsuite /g)).toHaveLength(report.targets.length);
    expect(xml.match(/<testcase /g)).toHaveLength(report.results.length);
  });
});

describe.skipIf(!haveChromium())('renderJunit parsed by Chromium DOMParser', () => {
  let browser: Browser;
  beforeAll(async () => { browser = await launchChromium(); }, 30_000);
  afterAll(async () => { await browser?.close(); });

  it('parses as XML and its counts match the report', async () => {
    const page = await browser.newPage();
    const broken = await page.evaluate(() => new DOMParser().parseFromString('<a x="1<2"/>', 'application/xml').getElementsByTagName('parsererror').length);
    expect(broken).toBeGreaterThan(0); // the parser is strict: it would catch a bad escape
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const error = doc.getElementsByTagName('parsererror')[0];
      if (error) return { error: error.textContent };
      const suites = [...doc.getElementsByTagName('testsuite')].map((s) => ({
        name: s.getAttribute('name'), tests: Number(s.getAttribute('tests')), failures: Number(s.getAttribute('failures')),
        errors: Number(s.getAttribute('errors')), skipped: Number(s.getAttribute('skipped')),
        cases: s.getElementsByTagName('testcase').length, failureEls: s.getElementsByTagName('failure').length,
        errorEls: s.getElementsByTagName('error').length, skippedEls: s.getElementsByTagName('skipped').length,
        errorTypes: [...s.getElementsByTagName('error')].map((e) => e.getAttribute('type')),
        firstFailure: s.getElementsByTagName('failure')[0]?.getAttribute('message') ?? null,
        classnames: [...s.getElementsByTagName('testcase')].map((c) => c.getAttribute('classname')),
      }));
      return { root: doc.documentElement.nodeName, suites };
    }, xml);
    await page.close();
    expect(parsed.error).toBeUndefined();
    expect(parsed.root).toBe('testsuites');
    expect(parsed.suites!.map((s) => s.name)).toEqual(report.targets.map((t) => t.name));
    for (const s of parsed.suites!) {
      const want = expectedCounts(s.name!);
      expect({ tests: s.tests, failures: s.failures, errors: s.errors, skipped: s.skipped }).toEqual(want);
      expect({ tests: s.cases, failures: s.failureEls, errors: s.errorEls, skipped: s.skippedEls }).toEqual(want);
      for (const type of s.errorTypes) expect(['ERROR', 'CRASH', 'TIMEOUT']).toContain(type);
    }
    const node = parsed.suites!.find((s) => s.name === report.targets[0].name)!;
    expect(node.firstFailure).toContain('<script>window.__pwned=1</script>');
    expect(node.classnames).toContain(`${report.cases[2].area}.${report.cases[2].feature}`);
  });
});

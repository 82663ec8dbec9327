/**
 * renderHtml as a string: one self-contained page, a CSP whose hashes match the inline script and
 * style, the JSON block safe and faithful, every hostile string escaped, table shape = report shape.
 */
import { createHash } from 'node:crypto';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { StepObservation } from '../core/types.ts';
import { CLIENT_DETAIL_JS } from '../reports/html/client-detail.ts';
import { isSafeUrl, jsonForScript, escapeHtml } from '../reports/html/escape.ts';
import { renderHtml, resultGrid } from '../reports/html/render.ts';
import { HOSTILE, buildSampleReport } from '../reports/sample-report.ts';

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

describe('renderHtml', () => {
  const report = buildSampleReport({ cases: 40, targets: 4, hostile: true, skippedTarget: true });
  const html = renderHtml(report);

  it('is one document with inline CSS and JS and nothing loaded from the network', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(html).not.toMatch(/<(script|img|link|iframe)\b[^>]*\bsrc=/i);
    expect(html).not.toMatch(/<link\b/i);
  });

  it('has a CSP that allows exactly the inline script and style', () => {
    const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)![1];
    const script = html.match(/<script>([\s\S]*?)<\/script>/)![1];
    const style = html.match(/<style>([\s\S]*?)<\/style>/)![1];
    expect(csp).toContain(`script-src 'sha256-${sha(script)}'`);
    expect(csp).toContain(`style-src 'sha256-${sha(style)}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
  });

  it('embeds the data once, safe against </script> and <!--, and parses back exactly', () => {
    const json = html.match(/<script type="application\/json" id="ec-data">([\s\S]*?)<\/script>/)![1];
    expect(json).not.toMatch(/<|>/);
    const data = JSON.parse(json);
    expect(data.cases.map((c: { id: string }) => c.id)).toEqual(report.cases.map((c) => c.id));
    expect(data.targets[1].name).toBe(HOSTILE.target);
    const hostileCell = data.grid.flat().find((r: { observation: { steps: { bodyExcerpt?: string }[] } } | null) => r?.observation.steps[0]?.bodyExcerpt === HOSTILE.body);
    expect(hostileCell).toBeDefined();
  });

  it('escapes every hostile string in markup', () => {
    const markup = html.replace(/<script type="application\/json"[\s\S]*?<\/script>/, '');
    for (const raw of ['<img src=x', '<svg onload', '<script>window', '<b>feat</b>', 'onerror="window']) {
      expect(markup).not.toContain(raw);
    }
    expect(markup).toContain(escapeHtml(HOSTILE.title));
    expect(markup).toContain(escapeHtml(HOSTILE.feature));
    expect(markup).not.toMatch(/href="javascript:/i);
    expect(markup).not.toContain('\u0000');
  });

  it('has one row per case and one column per target, one cell per case x target', () => {
    expect(html.match(/<tr class="case"/g)).toHaveLength(report.cases.length);
    expect(html.match(/<th scope="col" class="tgt/g)).toHaveLength(report.targets.length);
    expect(html.match(/<td class="st /g)).toHaveLength(report.cases.length * report.targets.length);
    expect(html.match(/<td class="st s-FAIL x"/g)?.length ?? 0).toBeGreaterThan(0);
  });

  it('shows a missing result as an empty cell', () => {
    const partial = { ...report, results: report.results.slice(1) };
    expect(resultGrid(partial)[0][0]).toBeUndefined();
    expect(renderHtml(partial)).toContain('<td class="st s-none"');
  });

  it('renders 300 cases x 10 targets within a sane size (its time is npm run bench\'s)', () => {
    const big = buildSampleReport();
    const out = renderHtml(big);
    expect(Buffer.byteLength(out)).toBeLessThan(3_000_000);
    expect(out.match(/<tr class="case"/g)?.length).toBe(big.cases.length);
  });
});

/** Just enough of a DOM for the detail script's element building: tag, class, text, children. */
class FakeElement {
  className = '';
  textContent = '';
  style: Record<string, string> = {};
  children: FakeElement[] = [];
  constructor(readonly tagName: string) {}
  appendChild(child: FakeElement) {
    this.children.push(child);
    return child;
  }
  setAttribute() {}
}
const descendants = (e: FakeElement): FakeElement[] => e.children.flatMap((c) => [c, ...descendants(c)]);

describe('the cell detail', () => {
  it('lists every response header field line in wire order, duplicates and empty values included', () => {
    const context = { document: { createElement: (tag: string) => new FakeElement(tag) }, Node: FakeElement };
    const stepSection = runInNewContext(`${CLIENT_DETAIL_JS}; stepSection`, context) as (body: FakeElement, i: number, spec: undefined, seen: StepObservation) => void;
    const body = new FakeElement('div');
    const headerFields: Array<[string, string]> = [['Set-Cookie', 'a=1; Path=/'], ['x-empty', ''], ['set-cookie', 'b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT']];
    stepSection(body, 0, undefined, { status: 200, headerFields });
    const shown = descendants(body).filter((e) => e.tagName === 'pre' && e.className === 'fields');
    expect(shown.map((e) => e.textContent)).toEqual(['Set-Cookie: a=1; Path=/\nx-empty: \nset-cookie: b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT']);
    expect(descendants(body).some((e) => e.tagName === 'h4' && e.textContent === 'Response header field lines (3, in order)')).toBe(true);
  });
});

describe('the cell detail of a case', () => {
  it('shows build warnings, a load timeout, the isolation and what the target printed', () => {
    const panel = new FakeElement('section');
    const detailBody = new FakeElement('div');
    const document = { createElement: (tag: string) => new FakeElement(tag), getElementById: (id: string) => (id === 'detail' ? panel : detailBody) };
    const showDetail = runInNewContext(`${CLIENT_DETAIL_JS}; showDetail`, { document, Node: FakeElement }) as (c: unknown, t: unknown, r: unknown) => void;
    const testCase = { id: 'a/b/c', title: 't', source: 'https://example.org', file: 'f.yaml', area: 'a', feature: 'b', tags: [], route: 'export default () => new Response()', steps: [] };
    const target = { name: 'nextjs', runtime: 'nextjs', version: '16', isolation: 'a process per route' };
    const result = {
      status: 'TIMEOUT', expected: 'PASS', message: 'm', durationMs: 1,
      observation: { buildWarnings: ['A Node.js API is used (process.cwd)'], loadTimedOutMs: 3000, output: 'TypeError: immutable', steps: [] },
    };
    showDetail(testCase, target, result);
    const texts = descendants(detailBody).map((e) => e.textContent);
    expect(texts).toContain('Build warnings (the route was built and served)');
    expect(texts).toContain('A Node.js API is used (process.cwd)');
    expect(texts).toContain('after 3000 ms');
    expect(texts).toContain('TypeError: immutable');
    expect(texts.some((t) => t.includes('a process per route'))).toBe(true);
  });
});

describe('escape helpers', () => {
  it('jsonForScript round-trips and hides < > & U+2028', () => {
    const value = { a: '</script><!-- & \u2028 \u2029 \uD800' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
  it('isSafeUrl allows only http(s)', () => {
    expect(isSafeUrl('https://example.com/x')).toBe(true);
    expect(isSafeUrl('javascript:alert(1)')).toBe(false);
    expect(isSafeUrl(' JavaScript:alert(1)')).toBe(false);
    expect(isSafeUrl('data:text/html,x')).toBe(false);
    expect(isSafeUrl('suites/x.yaml')).toBe(false);
  });
});

describe('column headers', () => {
  const run = (name: string, runtime: string, settings: Record<string, unknown>) =>
    ({ name, runtime, version: '1', settings, flags: [], os: 'linux', arch: 'x64', nodeVersion: '20', edgecompatVersion: '0', startedAt: '', endedAt: '' });

  it('show the settings that tell a column from the others of its runtime, and all of them in the tooltip', async () => {
    const { distinguishingSettings } = await import('../reports/html/table.ts');
    const targets = [
      run('workerd', 'workerd', {}),
      run('workerd-2024-09-23', 'workerd', { compatibilityDate: '2024-09-23' }),
      run('workerd-2024-09-23-nodejs-compat', 'workerd', { compatibilityDate: '2024-09-23', compatibilityFlags: ['nodejs_compat'] }),
      run('nextjs', 'nextjs', { router: 'pages', sizeLimit: 'nextjs/edge-api-route' }),
      run('nextjs-app', 'nextjs', { router: 'app', sizeLimit: 'vercel/hobby' }),
      run('deno', 'deno', { sizeLimit: 'deno-deploy/deployment' }),
    ];
    expect(distinguishingSettings(targets)).toEqual([
      ['defaults'],
      ['compatibilityDate=2024-09-23'],
      ['compatibilityDate=2024-09-23', 'compatibilityFlags=nodejs_compat'],
      ['router=pages', 'sizeLimit=nextjs/edge-api-route'],
      ['router=app', 'sizeLimit=vercel/hobby'],
      ['sizeLimit=deno-deploy/deployment'],
    ]);
    const report = buildSampleReport({ cases: 2, targets: 2 });
    report.targets[1] = { ...report.targets[1], runtime: report.targets[0].runtime, settings: { compatibilityFlags: ['nodejs_compat'], compatibilityDate: '2024-09-23' } };
    const html = renderHtml(report);
    expect(html).toContain('<span>compatibilityFlags=<wbr>nodejs_compat</span>');
    // The tooltip keeps every setting, as written.
    expect(html).toContain('compatibilityFlags=[&quot;nodejs_compat&quot;], compatibilityDate=2024-09-23');
  });
});

import { describe, expect, it } from 'vitest';
import { judge } from '../core/judge/judge.ts';
import { parseSubtestReport, tallySubtests } from '../core/judge/subtests.ts';
import type { Case } from '../core/types.ts';

const subtestCase = (total?: number): Case => ({
  id: 'web-apis/wpt/url', title: 't', area: 'web-apis', feature: 'wpt', tags: [], source: 'https://example.org', file: 'f.yaml',
  resolveDir: '/', timeoutMs: 5000, route: '', routeLang: 'js',
  steps: [{ request: { method: 'GET', path: '/' }, expect: { status: 200, subtests: total ? { total } : {} }, startAfter: 'previous-done' }],
});
const body = (subtests: unknown) => ({ steps: [{ status: 200, bodyText: JSON.stringify({ subtests }), bodyExcerpt: '' }] });
const twoFailing = { total: 4, passed: 2, failures: [{ name: 'a', expected: 'x', seen: 'y' }, { name: 'b', expected: 1, seen: null }] };

describe('subtests', () => {
  it('passes when every vector passed, showing passed/total', () => {
    const v = judge(subtestCase(3), body({ total: 3, passed: 3, failures: [] }));
    expect(v).toMatchObject({ status: 'PASS', message: '3/3 subtests passed', subtests: { passed: 3, total: 3, failures: [] } });
  });

  it('fails naming the failing vectors with expected versus seen', () => {
    const v = judge(subtestCase(), body(twoFailing));
    expect(v.status).toBe('FAIL');
    expect(v.message).toBe('2/4 subtests passed (2 failed): a: expected "x", saw "y"; b: expected 1, saw null');
    expect(v.subtests!.failures).toHaveLength(2);
  });

  it('marks failures the expectations know, and names known ones that now pass', () => {
    const v = judge(subtestCase(), body(twoFailing), { knownFailingSubtests: ['a', 'b', 'c'] });
    expect(v.status).toBe('FAIL');
    expect(v.message).toMatch(/\(2 failed, all known\)/);
    expect(v.message).toMatch(/known failures that now pass: c$/);
    expect(v.subtests!.failures.every((f) => f.known)).toBe(true);
  });

  it('fails a run that lost vectors, and a body that is not a subtest report', () => {
    expect(judge(subtestCase(5), body({ total: 3, passed: 3, failures: [] })).message).toBe('expected 5 subtests, the route ran 3 (3/3 subtests passed)');
    expect(judge(subtestCase(), { steps: [{ status: 200, bodyText: 'oops', bodyExcerpt: '' }] }).message).toMatch(/not JSON/);
    expect(judge(subtestCase(), body({ total: 3, passed: 1, failures: [] })).message).toMatch(/does not add up/);
    expect(judge(subtestCase(), { steps: [{ status: 500, bodyText: '{}', bodyExcerpt: '{}' }] }).message).toBe('expected status 200, saw 500');
  });

  it('parses only well-formed reports and tallies without mutating them', () => {
    expect(typeof parseSubtestReport(JSON.stringify({ subtests: { total: 1, passed: 0, failures: [{}] } }))).toBe('string');
    const report = { total: 1, passed: 0, failures: [{ name: 'a' }] };
    expect(tallySubtests(report, ['a']).failures[0]).toEqual({ name: 'a', known: true });
    expect(report.failures[0]).toEqual({ name: 'a' });
  });
});

describe('subtests in expectations files', () => {
  it('records a subtest case by its failing vectors, and reads them back as known', async () => {
    const { expectationsFromReport, knownFailingSubtests } = await import('../core/cases/expectations.ts');
    const { parseYamlFile } = await import('../schemas/input-file.ts');
    const { validateExpectations } = await import('../schemas/validators.ts');
    const result = (target: string, status: 'PASS' | 'FAIL', failures: string[]) => ({
      caseId: 'web-apis/wpt/url', target, status, expected: 'PASS' as const, message: 'm', durationMs: 1, observation: { steps: [] },
      subtests: { passed: 3 - failures.length, total: 3, failures: failures.map((name) => ({ name })) },
    });
    const report = { startedAt: 'now', results: [result('deno', 'FAIL', ['a', 'b']), result('bun', 'PASS', [])] } as never;
    const text = expectationsFromReport(report);
    const parsed = parseYamlFile<{ subtests: Record<string, Record<string, string[]>> }>('x.yaml', text, validateExpectations);
    expect(parsed.problems).toEqual([]);
    expect(parsed.data!.subtests).toEqual({ deno: { 'web-apis/wpt/url': ['a', 'b'] } });
    expect(knownFailingSubtests(parsed.data)('web-apis/wpt/url', 'deno')).toEqual(['a', 'b']);
    expect(knownFailingSubtests(parsed.data)('web-apis/wpt/url', 'bun')).toEqual([]);
  });
});

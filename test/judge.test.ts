import { describe, expect, it } from 'vitest';
import { judge } from '../core/judge/judge.ts';
import type { Case, Observation, ResponseExpect, StepObservation } from '../core/types.ts';

function testCase(expect: ResponseExpect, extra: Partial<Case> = {}): Case {
  return {
    id: 'area/feature/case',
    title: 'a case',
    area: 'area',
    feature: 'feature',
    tags: [],
    source: 'https://example.org/spec',
    file: 'suites/area/feature.yaml',
    resolveDir: '/',
    timeoutMs: 5000,
    route: 'export default () => new Response("ok")',
    routeLang: 'js',
    steps: [{ request: { method: 'GET', path: '/' }, expect, startAfter: 'previous-done' }],
    ...extra,
  };
}

function response(body: string, extra: Partial<StepObservation> = {}): StepObservation {
  return {
    status: 200,
    headerFields: [['Content-Type', 'text/plain']],
    bodyText: body,
    bodyExcerpt: body,
    bodyLength: Buffer.byteLength(body),
    chunks: [{ atMs: 5, bytes: Buffer.byteLength(body) }],
    ...extra,
  };
}

const seen = (...steps: StepObservation[]): Observation => ({ steps });

describe('judge: what the target printed', () => {
  it('names the error line the target printed when a case fails, and stays silent when it passes', () => {
    const c = testCase({ status: 302 });
    const failed = judge(c, { output: 'ready\n⨯ TypeError: immutable\n    at ignore-listed frames\n', steps: [response('Internal Server Error', { status: 500 })] });
    expect(failed).toEqual({ status: 'FAIL', message: 'expected status 302, saw 500 (the target printed: ⨯ TypeError: immutable)' });
    const passed = judge(testCase({ status: 200 }), { output: 'TypeError: logged but answered', steps: [response('ok')] });
    expect(passed.status).toBe('PASS');
    expect(passed.message).toBe('as expected');
  });
});

describe('judge: responses', () => {
  it('passes a response that meets every expectation', () => {
    const c = testCase({ status: 200, headers: { 'content-type': { equals: 'text/plain' } }, body: { equals: 'ok' } });
    expect(judge(c, seen(response('ok')))).toEqual({ status: 'PASS', message: 'as expected' });
  });

  it('says expected versus seen for status, header and body', () => {
    const c = testCase({ status: 201, headers: { 'x-a': { equals: '1' }, 'x-b': { absent: true } }, body: { equals: 'yes' } });
    const verdict = judge(c, seen(response('no', { headerFields: [['x-b', 'present']] })));
    expect(verdict.status).toBe('FAIL');
    expect(verdict.message).toContain('expected status 201, saw 200');
    expect(verdict.message).toContain('expected a x-a header, saw none');
    expect(verdict.message).toContain('expected no x-b header, saw "present"');
    expect(verdict.message).toContain('expected body "yes", saw "no"');
  });

  it('checks contains, regex, JSON subsets, length and sha256', () => {
    const body = JSON.stringify({ a: 1, b: { c: [1, 2] }, d: 'x' });
    const ok = testCase({ body: { contains: '"d"', regex: '^\\{"a"', json: { b: { c: [1, 2] } }, length: body.length } });
    expect(judge(ok, seen(response(body))).status).toBe('PASS');
    const wrongJson = testCase({ body: { json: { b: { c: [1] } } } });
    expect(judge(wrongJson, seen(response(body))).message).toMatch(/expected JSON containing/);
    const notJson = testCase({ body: { json: { a: 1 } } });
    expect(judge(notJson, seen(response('plain'))).message).toMatch(/not JSON/);
    const sha = testCase({ body: { sha256: '0'.repeat(64) } });
    expect(judge(sha, seen(response('x', { bodySha256: '1'.repeat(64) }))).status).toBe('FAIL');
  });

  it('accepts any of several statuses', () => {
    expect(judge(testCase({ status: [500, 502] }), seen(response('', { status: 502 }))).status).toBe('PASS');
    expect(judge(testCase({ status: [500, 502] }), seen(response('', { status: 200 }))).message).toBe('expected status 500 or 502, saw 200');
  });

  it('fails a complete-response expectation on a transport error, and passes bodyError on one', () => {
    const broken = response('', { error: { name: 'UND_ERR_SOCKET', message: 'other side closed' } });
    expect(judge(testCase({ status: 200 }), seen(broken)).message).toMatch(/then the body failed: UND_ERR_SOCKET/);
    expect(judge(testCase({ bodyError: true }), seen(broken)).status).toBe('PASS');
    expect(judge(testCase({ bodyError: true }), seen(response('whole'))).status).toBe('FAIL');
  });
});

describe('judge: header field lines', () => {
  const A = 'a=1; Path=/; HttpOnly';
  const B = 'b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT';
  const cookies = testCase({ headers: { 'set-cookie': { fieldLines: [A, B] } } });

  it('passes two Set-Cookie field lines with exactly the expected values, in order', () => {
    const twoLines = response('ok', { headerFields: [['Content-Type', 'text/plain'], ['Set-Cookie', A], ['Set-Cookie', B]] });
    expect(judge(cookies, seen(twoLines))).toEqual({ status: 'PASS', message: 'as expected' });
  });

  it('fails one folded line carrying both cookies: expected two field lines, saw one', () => {
    const folded = response('ok', { headerFields: [['set-cookie', `${A}, ${B}`]] });
    const verdict = judge(cookies, seen(folded));
    expect(verdict.status).toBe('FAIL');
    expect(verdict.message).toBe(`expected 2 set-cookie field lines, saw 1: ${JSON.stringify([`${A}, ${B}`])}`);
  });

  it('fails field lines in another order or with other values, and a missing header', () => {
    expect(judge(cookies, seen(response('ok', { headerFields: [['set-cookie', B], ['set-cookie', A]] }))).message).toMatch(/^expected set-cookie field lines \[/);
    expect(judge(cookies, seen(response('ok', { headerFields: [['set-cookie', A], ['set-cookie', 'b=2']] }))).status).toBe('FAIL');
    expect(judge(cookies, seen(response('ok'))).message).toBe('expected a set-cookie header, saw none');
  });

  it('judges equals and matches on the combined value: ", " per RFC 9110 5.3, a newline for Set-Cookie', () => {
    const lines = response('ok', { headerFields: [['X-Multi', 'a'], ['x-other', '1'], ['x-multi', 'b'], ['set-cookie', A], ['set-cookie', B]] });
    const combined = testCase({ headers: { 'x-multi': { equals: 'a, b' }, 'set-cookie': { equals: `${A}\n${B}` } } });
    expect(judge(combined, seen(lines)).status).toBe('PASS');
    // One line "a, b" is the same field value as two lines "a" and "b"; a folded Set-Cookie line is not.
    const folded = judge(combined, seen(response('ok', { headerFields: [['x-multi', 'a, b'], ['set-cookie', `${A}, ${B}`]] })));
    expect(folded.status).toBe('FAIL');
    expect(folded.message).toMatch(/^expected set-cookie: "a=1; Path=\/; HttpOnly\\nb=2;.*, saw "a=1; Path=\/; HttpOnly, b=2;/);
    expect(folded.message).not.toContain('x-multi');
    const twoLines = testCase({ headers: { 'x-multi': { fieldLines: ['a', 'b'] } } });
    expect(judge(twoLines, seen(lines)).status).toBe('PASS');
    expect(judge(twoLines, seen(response('ok', { headerFields: [['x-multi', 'a, b']] }))).message).toBe('expected 2 x-multi field lines, saw 1: ["a, b"]');
  });
});

describe('judge: streaming is told apart by chunk times', () => {
  const streamingCase = testCase({ status: 200, body: { equals: 'ab' }, stream: { minChunks: 2, gapAtLeastMs: 250, firstChunkWithinMs: 150, noContentLength: true } });

  it('passes chunks that arrive as they were enqueued, 300 ms apart', () => {
    const streamed = response('ab', { chunks: [{ atMs: 4, bytes: 1 }, { atMs: 306, bytes: 1 }] });
    expect(judge(streamingCase, seen(streamed)).status).toBe('PASS');
  });

  it('fails the same body when it was built first and sent at once', () => {
    const buffered = response('ab', { headerFields: [['Content-Length', '2']], chunks: [{ atMs: 305, bytes: 2 }] });
    const verdict = judge(streamingCase, seen(buffered));
    expect(verdict.status).toBe('FAIL');
    expect(verdict.message).toContain('expected at least 2 body chunks, saw 1 (at 305 ms)');
    expect(verdict.message).toContain('expected the first chunk within 150 ms, saw 305 ms');
    expect(verdict.message).toContain('widest was 0 ms');
    expect(verdict.message).toContain('expected no content-length');
  });

  it('ignores empty chunks when counting', () => {
    const c = testCase({ stream: { minChunks: 2 } });
    expect(judge(c, seen(response('ab', { chunks: [{ atMs: 1, bytes: 0 }, { atMs: 2, bytes: 2 }] }))).status).toBe('FAIL');
  });
});

describe('judge: probes', () => {
  const probe = (spec: Case['probe']) => testCase({}, { probe: spec });
  const answer = (outcome: object) => seen(response(JSON.stringify(outcome)));

  it('matches a thrown error by name and message', () => {
    const c = probe({ expr: "eval('1+1')", throws: { name: 'EvalError', message: 'Code generation from strings disallowed' } });
    const thrown = answer({ ok: false, name: 'EvalError', message: 'Code generation from strings disallowed for this context' });
    expect(judge(c, thrown).status).toBe('PASS');
    expect(judge(c, answer({ ok: true, type: 'number', value: 2 }))).toEqual({ status: 'FAIL', message: "expected eval('1+1') to throw EvalError, it gave 2" });
    expect(judge(c, answer({ ok: false, name: 'TypeError', message: 'x' })).message).toContain('expected error EvalError');
  });

  it('matches a value and a typeof', () => {
    expect(judge(probe({ expr: 'typeof require', value: 'undefined' }), answer({ ok: true, type: 'string', value: 'undefined' })).status).toBe('PASS');
    expect(judge(probe({ expr: 'typeof require', value: 'undefined' }), answer({ ok: true, type: 'string', value: 'function' })).message).toBe(
      'expected typeof require to give "undefined", it gave "function"',
    );
    expect(judge(probe({ expr: 'Buffer', typeof: 'undefined' }), answer({ ok: true, type: 'function' })).status).toBe('FAIL');
    expect(judge(probe({ expr: 'x', value: 1 }), answer({ ok: false, name: 'ReferenceError', message: 'x is not defined' })).message).toBe(
      'expected x to give 1, it threw ReferenceError: x is not defined',
    );
  });

  it('fails when the probe route does not answer with a probe result', () => {
    expect(judge(probe({ expr: '1', value: 1 }), seen(response('Internal Server Error', { status: 500 }))).message).toMatch(/answered status 500/);
  });

  it('counts a build-time rejection as the forbidden API refused, but not a load failure', () => {
    const c = probe({ expr: "eval('1')", throws: { name: 'EvalError' } });
    expect(judge(c, { loadError: { name: 'BuildError', message: 'Dynamic Code Evaluation', phase: 'build' }, steps: [] }).status).toBe('PASS');
    expect(judge(c, { loadError: { name: 'SyntaxError', message: 'x', phase: 'load' }, steps: [] }).status).toBe('FAIL');
  });
});

describe('judge: outcomes besides a response', () => {
  it('gives SKIP, ERROR, CRASH and TIMEOUT their own statuses', () => {
    const c = testCase({ status: 200 });
    expect(judge(c, { skipped: 'deno is not installed', steps: [] })).toEqual({ status: 'SKIP', message: 'deno is not installed' });
    expect(judge(c, { harnessError: { name: 'Error', message: 'boom' }, steps: [] }).status).toBe('ERROR');
    const crash = judge(c, { crashed: { exitCode: 1, signal: null, stderrTail: 'TypeError: This ReadableStream did not return bytes.' }, steps: [] });
    expect(crash.status).toBe('CRASH');
    expect(crash.message).toContain('exit code 1');
    expect(crash.message).toContain('did not return bytes');
    expect(judge(c, seen({ timedOut: true })).status).toBe('TIMEOUT');
  });

  it('passes a refused route only when refusal is expected, with its message checked', () => {
    const refused: Observation = { loadError: { name: 'SyntaxError', message: 'Cannot use import statement outside a module', phase: 'load' }, steps: [] };
    expect(judge(testCase({}, { refused: {} }), refused).status).toBe('PASS');
    expect(judge(testCase({}, { refused: { message: 'node:fs' } }), refused).status).toBe('FAIL');
    expect(judge(testCase({ status: 200 }), refused).message).toBe('expected the route to load, but it was refused at load: SyntaxError: Cannot use import statement outside a module');
    expect(judge(testCase({}, { refused: {} }), seen(response('function'))).message).toBe('expected the target to refuse the route, but it loaded and answered status 200 "function"');
  });

  it('judges each request of a sequence and names it', () => {
    const c = testCase({});
    c.steps = [
      { request: { method: 'GET', path: '/a' }, expect: { aborted: true }, startAfter: 'previous-done' },
      { request: { method: 'GET', path: '/b' }, expect: { body: { equals: 'aborted' } }, startAfter: 'previous-done' },
    ];
    expect(judge(c, seen({ aborted: true }, response('aborted'))).status).toBe('PASS');
    expect(judge(c, seen(response('done early'), response('not-aborted'))).message).toBe(
      'request 1: expected the request to be still open when the client aborted it, but it ended (status 200 "done early"); request 2: expected body "aborted", saw "not-aborted"',
    );
  });
});

describe('judge: which run of the route answered', () => {
  const twoSteps = (invocation: ResponseExpect['invocation']): Case =>
    testCase({}, {
      steps: [
        { request: { method: 'GET', path: '/' }, expect: {}, startAfter: 'previous-done' },
        { request: { method: 'GET', path: '/' }, expect: { invocation }, startAfter: 'previous-done' },
      ],
    });
  const run = (id: string) => response(id, { headerFields: [['X-Invocation', id]] });

  it('sameAs passes only when the later response carries the earlier run', () => {
    expect(judge(twoSteps({ sameAs: 1 }), seen(run('a'), run('a'))).status).toBe('PASS');
    const ranAgain = judge(twoSteps({ sameAs: 1 }), seen(run('a'), run('b')));
    expect(ranAgain).toEqual({ status: 'FAIL', message: 'request 2: expected the response of request 1 again (the route not run), but the route ran again (x-invocation "b", not "a")' });
  });

  it('notSameAs passes only when the route ran again', () => {
    expect(judge(twoSteps({ notSameAs: 1 }), seen(run('a'), run('b'))).status).toBe('PASS');
    expect(judge(twoSteps({ notSameAs: 1 }), seen(run('a'), run('a'))).message).toContain("this is request 1's response");
  });

  it('fails, saying why, when a response does not say which run it came from', () => {
    const verdict = judge(twoSteps({ sameAs: 1 }), seen(run('a'), response('b')));
    expect(verdict).toEqual({ status: 'FAIL', message: "request 2: cannot tell which run of the route answered: request 2's response has no x-invocation header" });
  });
});

/**
 * The judge: a pure function from a case and what a target was seen to do to a verdict, with a
 * message that says expected versus seen. No I/O, no clock, no runtime: unit-tested on its own.
 */
import { checkBody, checkError, checkHeaders, checkInvocation, checkStatus, checkStream } from './response.ts';
import { describeFigures } from '../../profiles/code-size.ts';
import { parseProbeOutcome, type ProbeOutcome } from '../cases/probe.ts';
import { describeSubtestFailure, onlyKnownFailures, parseSubtestReport, tallySubtests } from './subtests.ts';
import type { Case, Observation, ProbeSpec, Status, Step, StepObservation, Verdict } from '../types.ts';

/** What the judge is told besides the case and the observation: the expectations' known-failing subtests. */
export interface JudgeContext {
  knownFailingSubtests?: readonly string[];
}

const pass = (message = 'as expected'): Verdict => ({ status: 'PASS', message });
const fail = (message: string): Verdict => ({ status: 'FAIL', message });

/**
 * Judges one case on one target.
 * - SKIP, ERROR (edgecompat's own trouble) and CRASH (the target process died) come first.
 * - A route the target refused at load or build passes only a case that expects refusal (`refused`),
 *   or a probe that expects an error when the refusal happened at build: a build that rejects a
 *   forbidden API (Next.js rejects eval) upholds the contract before any request is made.
 * - Otherwise every step's response is checked; a step that outlived the case timeout is TIMEOUT.
 */
export function judge(testCase: Case, seen: Observation, context: JudgeContext = {}): Verdict {
  const verdict = withSize(testCase, seen, judgeSeen(testCase, seen, context));
  // A failure the target explained in its own output (Next's "TypeError: immutable") says so.
  if (verdict.status === 'FAIL' && seen.output?.trim()) return { ...verdict, message: `${verdict.message} (the target printed: ${errorSummary(seen.output)})` };
  return verdict;
}

/**
 * Whether a machine under load could have given this verdict where the runtime alone would not: a
 * timeout (of the load or of the case), or a failure of a case that expects a stream's timing or its
 * chunks (a first chunk within N ms, a gap of N ms, chunks that arrive apart). Such a verdict is not
 * recorded until the case, run again alone, gives its verdict.
 */
export function loadMayHaveMade(testCase: Case, status: Status): boolean {
  return status === 'TIMEOUT' || (status === 'FAIL' && testCase.steps.some((step) => step.expect.stream !== undefined));
}

function judgeSeen(testCase: Case, seen: Observation, context: JudgeContext): Verdict {
  if (seen.skipped !== undefined) return { status: 'SKIP', message: seen.skipped };
  if (seen.harnessError) return { status: 'ERROR', message: `${seen.harnessError.name}: ${seen.harnessError.message}` };
  if (seen.crashed) {
    const how = seen.crashed.signal ? `signal ${seen.crashed.signal}` : `exit code ${seen.crashed.exitCode}`;
    const tail = seen.crashed.stderrTail ? `: ${errorSummary(seen.crashed.stderrTail)}` : '';
    return { status: 'CRASH', message: `the target process died (${how}) while this case ran${tail}` };
  }
  if (seen.loadTimedOutMs !== undefined) return { status: 'TIMEOUT', message: `the route did not finish loading within ${seen.loadTimedOutMs} ms` };
  if (seen.loadError) {
    const refusal = `${REFUSED_AT[seen.loadError.phase]}: ${seen.loadError.name}: ${seen.loadError.message}`;
    if (testCase.refused) {
      const problems = checkError(testCase.refused, seen.loadError, 'refusal');
      return problems.length === 0 ? pass(refusal) : fail(problems.join('; '));
    }
    const expectsNotWorking = testCase.probe?.throws || (testCase.probe?.support && !testCase.probe.support.includes('working'));
    if (expectsNotWorking && seen.loadError.phase === 'build') return pass(refusal);
    return fail(`expected the route to load, but it was ${refusal}`);
  }
  const timedOut = seen.steps.findIndex((s) => s.timedOut);
  if (timedOut >= 0) return { status: 'TIMEOUT', message: `no complete response to request ${timedOut + 1} within the case timeout` };
  if (seen.steps.length < testCase.steps.length) {
    return { status: 'ERROR', message: `only ${seen.steps.length} of ${testCase.steps.length} requests were made` };
  }
  if (testCase.refused) {
    const first = seen.steps[0];
    return fail(`expected the target to refuse the route, but it loaded and answered ${describeAnswer(first)}`);
  }
  if (testCase.probe) return judgeProbe(testCase.probe, seen.steps[0]);
  const subtestStep = testCase.steps.findIndex((s) => s.expect.subtests);
  if (subtestStep >= 0) return judgeSubtests(testCase.steps[subtestStep], seen.steps[subtestStep], context);
  const problems = testCase.steps.flatMap((step, i) => {
    const found = [...checkStep(step, seen.steps[i]), ...checkInvocation(step.expect.invocation, i, seen.steps)];
    return testCase.steps.length > 1 ? found.map((p) => `request ${i + 1}: ${p}`) : found;
  });
  return problems.length === 0 ? pass() : fail(problems.join('; '));
}

function checkStep(step: Step, seen: StepObservation): string[] {
  const want = step.expect;
  if (want.aborted) return seen.aborted ? [] : [`expected the request to be still open when the client aborted it, but it ended (${describeAnswer(seen)})`];
  if (want.bodyError) {
    return seen.error ? [] : [`expected the response to fail mid-body, but it ended normally (${describeAnswer(seen)})`];
  }
  if (seen.error) {
    const when = seen.status === undefined ? 'no response' : `status ${seen.status}, then the body failed`;
    return [`expected a complete response, saw ${when}: ${seen.error.name}: ${seen.error.message}`];
  }
  if (seen.aborted) return ['the request was aborted before it completed'];
  return [
    ...checkStatus(want.status, seen),
    ...checkHeaders(want.headers, seen),
    ...checkBody(want.body, seen),
    ...checkStream(want.stream, seen),
  ];
}

/** How many failing vectors a message names; the report's subtests hold them all. */
const FAILURES_IN_MESSAGE = 3;

/**
 * A subtest case: the response must be a subtest report, and every vector must pass. Failures the
 * expectations list are marked known (the cell is then expected to FAIL); the message names the first
 * few failures with expected versus seen.
 */
function judgeSubtests(step: Step, seen: StepObservation, context: JudgeContext): Verdict {
  const problems = checkStep({ ...step, expect: { ...step.expect, subtests: undefined } }, seen);
  if (problems.length > 0) return fail(problems.join('; '));
  const report = parseSubtestReport(seen.bodyText);
  if (typeof report === 'string') return fail(`expected a subtests report, the route answered ${report}`);
  const want = step.expect.subtests!.total;
  const subtests = tallySubtests(report, context.knownFailingSubtests);
  const tally = `${subtests.passed}/${subtests.total} subtests passed`;
  const stale = subtests.nowPassing ? `; known failures that now pass: ${subtests.nowPassing.join(', ')}` : '';
  if (want !== undefined && report.total !== want) {
    return { status: 'FAIL', message: `expected ${want} subtests, the route ran ${report.total} (${tally})`, subtests };
  }
  if (subtests.failures.length === 0) return { status: 'PASS', message: `${tally}${stale}`, subtests };
  const known = subtests.failures.filter((f) => f.known).length;
  const first = subtests.failures.filter((f) => !f.known).concat(subtests.failures.filter((f) => f.known)).slice(0, FAILURES_IN_MESSAGE);
  const more = subtests.failures.length > first.length ? `; and ${subtests.failures.length - first.length} more` : '';
  const knownNote = onlyKnownFailures(subtests) ? ', all known' : known > 0 ? `, ${known} known` : '';
  return { status: 'FAIL', message: `${tally} (${subtests.failures.length} failed${knownNote}): ${first.map(describeSubtestFailure).join('; ')}${more}${stale}`, subtests };
}

function judgeProbe(probe: ProbeSpec, seen: StepObservation): Verdict {
  if (seen.error) return fail(`the probe route gave no answer: ${seen.error.name}: ${seen.error.message}`);
  const outcome = parseProbeOutcome(seen.bodyText);
  if (!outcome) return fail(`the probe route answered ${describeAnswer(seen)}, not a probe result`);
  if (probe.api !== undefined) return judgeSupport(probe, outcome);
  const expr = shortExpr(probe.expr!);
  if (!outcome.ok) {
    const threw = `${outcome.name}: ${outcome.message}`;
    if (!probe.throws) return fail(`expected ${expr} to give ${expectedValue(probe)}, it threw ${threw}`);
    const problems = checkError(probe.throws, outcome, 'error');
    return problems.length === 0 ? pass(`threw ${threw}`) : fail(problems.join('; '));
  }
  const gave = outcome.value !== undefined ? JSON.stringify(outcome.value) : `a ${outcome.type}`;
  if (probe.throws) return fail(`expected ${expr} to throw${probe.throws.name ? ` ${probe.throws.name}` : ''}, it gave ${gave}`);
  if (probe.typeof !== undefined && outcome.type !== probe.typeof) return fail(`expected typeof ${expr} to be "${probe.typeof}", saw "${outcome.type}"`);
  if (probe.value !== undefined && JSON.stringify(outcome.value) !== JSON.stringify(probe.value)) {
    return fail(`expected ${expr} to give ${JSON.stringify(probe.value)}, it gave ${gave}`);
  }
  return pass(`gave ${gave}`);
}

/** A support probe: what it found must be one of the supports the case allows. */
function judgeSupport(probe: ProbeSpec, outcome: ProbeOutcome): Verdict {
  const support = outcome.support;
  if (!support) return fail('the support probe answered without saying what it found');
  const api = shortExpr(probe.api!);
  const call = shortExpr(probe.call ?? `${probe.api}()`);
  const found = support === 'missing' ? `${api} is missing`
    : !outcome.ok ? `${api} is a stub: it exists (${outcome.apiType}) but ${call} threw ${outcome.name}: ${outcome.message}`
    : `${api} works: ${call} gave ${outcome.value !== undefined ? JSON.stringify(outcome.value) : `a ${outcome.type}`}`;
  const allowed = probe.support ?? [];
  const status = allowed.includes(support) ? 'PASS' : 'FAIL';
  return { status, message: status === 'PASS' ? found : `expected ${allowed.join(' or ')}, but ${found}`, support };
}

const REFUSED_AT = { load: 'refused at load', build: 'rejected at build', deploy: 'refused at deploy' } as const;

/**
 * A case that states a size limit shows the route's figures in its verdict whatever it is (a refusal
 * already holds them): what was measured, against which limit, from which source.
 */
function withSize(testCase: Case, seen: Observation, verdict: Verdict): Verdict {
  if (!testCase.sizeLimit || !seen.size || seen.loadError?.phase === 'deploy' || verdict.status === 'SKIP') return verdict;
  return { ...verdict, message: `${verdict.message} (deployed: ${describeFigures(seen.size)})` };
}

/** The probe's expression for a message: on one line, cut so that what it gave still shows. */
function shortExpr(expr: string): string {
  const line = expr.trim().replace(/\s+/g, ' ');
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

function expectedValue(probe: ProbeSpec): string {
  return probe.value !== undefined ? JSON.stringify(probe.value) : `a ${probe.typeof}`;
}

function describeAnswer(seen: StepObservation | undefined): string {
  if (!seen) return 'nothing';
  if (seen.status === undefined) return seen.error ? `no response (${seen.error.name}: ${seen.error.message})` : 'no response';
  const body = seen.bodyExcerpt ? ` ${JSON.stringify(seen.bodyExcerpt.slice(0, 120))}` : '';
  return `status ${seen.status}${body}`;
}

/** The error line of what a process printed (the last `SomeError: ...`), else its last lines. */
function errorSummary(text: string): string {
  const lines = text.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  const errorLine = lines.filter((l) => /(?:^|[^\w.])(?:\w*Error|Uncaught|panic|fatal)\b/i.test(l) && !/^at\s/.test(l)).pop();
  return (errorLine ?? lines.slice(-3).join(' | ')).slice(0, 400);
}

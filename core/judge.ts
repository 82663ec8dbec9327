/**
 * The judge: a pure function from a case and what a target was seen to do to a verdict, with a
 * message that says expected versus seen. No I/O, no clock, no runtime: unit-tested on its own.
 */
import { checkBody, checkError, checkHeaders, checkInvocation, checkStatus, checkStream } from './judge-response.ts';
import { describeFigures } from './code-size.ts';
import { parseProbeOutcome } from './probe.ts';
import type { Case, Observation, ProbeSpec, Step, StepObservation, Verdict } from './types.ts';

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
export function judge(testCase: Case, seen: Observation): Verdict {
  const verdict = withSize(testCase, seen, judgeSeen(testCase, seen));
  // A failure the target explained in its own output (Next's "TypeError: immutable") says so.
  if (verdict.status === 'FAIL' && seen.output?.trim()) return { ...verdict, message: `${verdict.message} (the target printed: ${errorSummary(seen.output)})` };
  return verdict;
}

function judgeSeen(testCase: Case, seen: Observation): Verdict {
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
    if (testCase.probe?.throws && seen.loadError.phase === 'build') return pass(refusal);
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

function judgeProbe(probe: ProbeSpec, seen: StepObservation): Verdict {
  if (seen.error) return fail(`the probe route gave no answer: ${seen.error.name}: ${seen.error.message}`);
  const outcome = parseProbeOutcome(seen.bodyText);
  if (!outcome) return fail(`the probe route answered ${describeAnswer(seen)}, not a probe result`);
  const expr = shortExpr(probe.expr);
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

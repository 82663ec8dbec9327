/**
 * The run's progress on stderr: off a TTY (a CI log), a line per column as it starts and as it ends
 * with its counts, a line per result not as expected, and runners' diagnostics only with --verbose;
 * on a TTY, one line redrawn in place.
 */
import { expect, it } from 'vitest';
import { createProgress } from '../cli/progress.ts';
import type { Result, TargetRun } from '../core/report/report-types.ts';

/** A stream that keeps what is written. */
function sink(tty: boolean): NodeJS.WriteStream & { text: string } {
  const stream = { text: '', isTTY: tty, columns: 80, write(chunk: string) { stream.text += chunk; return true; } };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

const result = (status: Result['status'], caseId: string): Result => ({ caseId, target: 'node', status, expected: 'PASS', message: `${status} message`, durationMs: 1, observation: { steps: [] } });
const run = { name: 'node' } as TargetRun;

function play(stream: NodeJS.WriteStream, verbose = false) {
  const progress = createProgress(3, { stream, verbose });
  progress.targetStarted('node');
  progress.note('node: 1 routes served, 0 failed to load');
  progress.result(result('PASS', 'a/b/one'));
  progress.result(result('FAIL', 'a/b/two'));
  progress.result(result('PASS', 'a/b/three'));
  progress.targetEnded(run);
  progress.done();
}

it('off a TTY: a line as a column starts and ends, one per unexpected result, no diagnostics', () => {
  const stream = sink(false);
  play(stream);
  expect(stream.text.trimEnd().split('\n')).toEqual(['starting node', 'FAIL node a/b/two: FAIL message', expect.stringMatching(/^node: 2 PASS, 1 FAIL in \d+\.\d s$/)]);
});

it('with --verbose, the diagnostics too, a line each', () => {
  const stream = sink(false);
  play(stream, true);
  expect(stream.text.split('\n')).toContain('node: 1 routes served, 0 failed to load');
});

it('on a TTY, one line redrawn in place: no line ends but the diagnostics asked for', () => {
  const stream = sink(true);
  play(stream);
  expect(stream.text).not.toContain('\n');
  expect(stream.text).toContain('[3/3] 1 not as expected');
});

/**
 * Errors in what the user gave edgecompat (case files, options): they stop a run before any target
 * starts, name the file and the place in it, and make the CLI exit with code 2.
 */

/** One problem in one input file. */
export interface Problem {
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** JSON path inside the file, like /cases/3/expect/status. */
  path?: string;
  message: string;
}

/** Formats a problem as `file:line path: message`. */
export function formatProblem(problem: Problem): string {
  const where = problem.line ? `${problem.file}:${problem.line}` : problem.file;
  const path = problem.path ? ` ${problem.path}` : '';
  return `${where}${path}: ${problem.message}`;
}

/** Thrown for invalid input; the CLI prints every problem and exits 2. */
export class InputError extends Error {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
    this.problems = problems;
  }
}

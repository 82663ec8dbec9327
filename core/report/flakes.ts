/**
 * Flakiness across runs of the same matrix: per cell (target x case), the statuses the runs gave it.
 * A cell is flaky when the runs that have a result for it did not all give the same status; a cell
 * some run has no result for (that run was interrupted) is "missing" there, which is not a flip.
 * Cells of cases marked `flaky` in their file are listed apart. Pure: no I/O (scripts/flakes.ts runs
 * the matrix and writes flakes.json, whose shape is schemas/flakes.schema.json).
 */
import type { Report } from './report-types.ts';
import { STATUSES, type Status } from '../types.ts';

/** The longest message kept per distinct message, in characters. */
export const MAX_FLAKE_MESSAGE = 240;

/** One distinct message of the runs that did not give a cell its majority status. */
export interface FlakeMessage {
  status: Status;
  /** The judge's message, on one line and shortened to {@link MAX_FLAKE_MESSAGE}. */
  message: string;
  /** The runs (1-based) that gave it. */
  runs: number[];
}

/** A cell whose status was not the same in every run that has a result for it. */
export interface FlakyCell {
  target: string;
  caseId: string;
  /** The case file and line, from the reports' case entries. */
  file?: string;
  line?: number;
  /** How many runs gave each status, most first: `{ PASS: 8, TIMEOUT: 2 }`. */
  statuses: Partial<Record<Status, number>>;
  /** The status most runs gave (a tie goes to the earlier status of STATUSES: PASS before FAIL). */
  majority: Status;
  /** How many runs gave another status than the majority's: the table is sorted by it. */
  flips: number;
  /** Each run's status, in run order; null where the run has no result for the cell. */
  perRun: Array<Status | null>;
  /** The distinct messages of the runs that gave another status than the majority's. */
  messages: FlakeMessage[];
}

/** A case marked `flaky` in its file, and what its cells did. */
export interface MarkedCase {
  caseId: string;
  reason: string;
  /** Its cells (one per target that has a result for it). */
  cells: number;
  /** Those of its cells that flipped, with the same detail as unexplained flaky cells. */
  flipped: FlakyCell[];
}

/** A cell that some runs have no result for. */
export interface MissingCell {
  target: string;
  caseId: string;
  /** The runs (1-based) without a result for it. */
  runs: number[];
}

/** What a list of runs of the same matrix shows about flakiness. */
export interface FlakeCount {
  /** How many reports were compared. */
  runs: number;
  /** Distinct cells (target x case) over all reports. */
  cells: number;
  /** Flaky cells of cases not marked flaky: the unexplained ones, most flips first. */
  flaky: FlakyCell[];
  /** Cases marked flaky in their file (flipped or not), by id. */
  marked: MarkedCase[];
  /** Cells some run has no result for (not counted as flips). */
  missing: MissingCell[];
}

interface Cell {
  target: string;
  caseId: string;
  perRun: Array<{ status: Status; message: string } | null>;
}

/** Collapses a message to one line and shortens it to `max` characters. */
export function shortMessage(message: string, max = MAX_FLAKE_MESSAGE): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}\u2026` : line;
}

/**
 * Counts the status flips per cell over `reports`, given in run order (run 1 first). A case is
 * marked when any report's case entry has `flaky`.
 */
export function countFlakes(reports: Report[]): FlakeCount {
  const cells = new Map<string, Cell>();
  const where = new Map<string, { file?: string; line?: number }>();
  const marks = new Map<string, string>();
  reports.forEach((report, run) => {
    for (const entry of report.cases) {
      where.set(entry.id, { file: entry.file, ...(entry.line ? { line: entry.line } : {}) });
      if (entry.flaky) marks.set(entry.id, entry.flaky.reason);
    }
    for (const result of report.results) {
      const key = `${result.target}\u0000${result.caseId}`;
      let cell = cells.get(key);
      if (!cell) cells.set(key, (cell = { target: result.target, caseId: result.caseId, perRun: reports.map(() => null) }));
      cell.perRun[run] = { status: result.status, message: result.message };
    }
  });

  const flaky: FlakyCell[] = [];
  const missing: MissingCell[] = [];
  const marked = new Map<string, MarkedCase>([...marks].sort(([a], [b]) => a.localeCompare(b)).map(([caseId, reason]) => [caseId, { caseId, reason, cells: 0, flipped: [] }]));
  for (const cell of cells.values()) {
    const absent = cell.perRun.flatMap((seen, run) => (seen ? [] : [run + 1]));
    if (absent.length > 0) missing.push({ target: cell.target, caseId: cell.caseId, runs: absent });
    const mark = marked.get(cell.caseId);
    if (mark) mark.cells += 1;
    const flipped = flakyCell(cell, where.get(cell.caseId));
    if (!flipped) continue;
    if (mark) mark.flipped.push(flipped);
    else flaky.push(flipped);
  }
  const order = (a: { target: string; caseId: string }, b: { target: string; caseId: string }) => a.target.localeCompare(b.target) || a.caseId.localeCompare(b.caseId);
  const byFlips = (a: FlakyCell, b: FlakyCell) => b.flips - a.flips || order(a, b);
  for (const mark of marked.values()) mark.flipped.sort(byFlips);
  return { runs: reports.length, cells: cells.size, flaky: flaky.sort(byFlips), marked: [...marked.values()], missing: missing.sort(order) };
}

/** The cell as a FlakyCell when its runs gave more than one status, else undefined. */
function flakyCell(cell: Cell, where: { file?: string; line?: number } | undefined): FlakyCell | undefined {
  const counts = new Map<Status, number>();
  for (const seen of cell.perRun) if (seen) counts.set(seen.status, (counts.get(seen.status) ?? 0) + 1);
  if (counts.size < 2) return undefined;
  const ranked = [...counts].sort(([a, m], [b, n]) => n - m || STATUSES.indexOf(a) - STATUSES.indexOf(b));
  const majority = ranked[0][0];
  const messages = new Map<string, FlakeMessage>();
  cell.perRun.forEach((seen, run) => {
    if (!seen || seen.status === majority) return;
    const message = shortMessage(seen.message);
    const key = `${seen.status}\u0000${message}`;
    const known = messages.get(key);
    if (known) known.runs.push(run + 1);
    else messages.set(key, { status: seen.status, message, runs: [run + 1] });
  });
  return {
    target: cell.target,
    caseId: cell.caseId,
    ...where,
    statuses: Object.fromEntries(ranked),
    majority,
    flips: [...messages.values()].reduce((n, m) => n + m.runs.length, 0),
    perRun: cell.perRun.map((seen) => seen?.status ?? null),
    messages: [...messages.values()],
  };
}

/** `PASS x8, TIMEOUT x2`: a flaky cell's statuses with their counts, most first. */
export function formatStatusCounts(statuses: Partial<Record<Status, number>>): string {
  return Object.entries(statuses).map(([status, n]) => `${status} x${n}`).join(', ');
}

/** The total line: "0 flaky cells of 1234 over 10 runs". */
export function flakeTotal(count: FlakeCount): string {
  const n = count.flaky.length;
  return `${n} flaky cell${n === 1 ? '' : 's'} of ${count.cells} over ${count.runs} run${count.runs === 1 ? '' : 's'}`;
}

/** The marked cases' line: "marked flaky: 2 cases, flipped: 1 cell". */
export function markedTotal(count: FlakeCount): string {
  const flipped = count.marked.reduce((n, m) => n + m.flipped.length, 0);
  return `marked flaky: ${count.marked.length} case${count.marked.length === 1 ? '' : 's'}, flipped: ${flipped} cell${flipped === 1 ? '' : 's'}`;
}

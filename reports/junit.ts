/**
 * renderJunit: the report as JUnit XML for CI test reporters. One <testsuite> per target, one
 * <testcase> per case (classname area.feature, name the case id). FAIL is a <failure>; ERROR, CRASH
 * and TIMEOUT are an <error type="STATUS">; SKIP is <skipped>. Pure: no I/O.
 */
import { describeOutcome, gateOutcome } from '../core/judge/gate.ts';
import type { CaseEntry, Report, Result, TargetRun } from '../core/report/report-types.ts';
import { addToTally, emptyTally } from './summary.ts';
import { settingsLine } from './html/table.ts';

/** Characters XML 1.0 cannot carry at all (even escaped), lone surrogates included. */
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Escape text for XML content or a double-quoted attribute, dropping characters XML cannot carry. */
export function escapeXml(value: unknown): string {
  return String(value ?? '')
    .replace(INVALID_XML, '')
    .replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);
}

/** Like escapeXml, for attributes: newlines and tabs become character references so they survive. */
function attr(value: unknown): string {
  return escapeXml(value).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

/** Wall time of a target's run, or the sum of its case durations when the timestamps do not parse. */
function suiteMs(t: TargetRun, results: Result[]): number {
  const wall = Date.parse(t.endedAt) - Date.parse(t.startedAt);
  return Number.isFinite(wall) && wall >= 0 ? wall : results.reduce((sum, r) => sum + r.durationMs, 0);
}

function testcase(r: Result, c: CaseEntry | undefined): string {
  const open = `<testcase classname="${attr(c ? `${c.area}.${c.feature}` : 'unknown')}" name="${attr(r.caseId)}" time="${seconds(r.durationMs)}"`;
  const known = r.status === r.expected && r.status !== 'PASS' ? ` (expected ${r.expected}: a known failure)`
    : gateOutcome(r) !== 'as-expected' ? ` (${describeOutcome(r)})` : '';
  const message = `${r.message}${known}`;
  const unexpectedPass = r.status === 'PASS' && r.expected !== 'PASS';
  switch (r.status) {
    case 'PASS':
      return unexpectedPass
        ? `${open}><failure message="${attr(describeOutcome(r))}" type="UNEXPECTED-PASS">${escapeXml(describeOutcome(r))}</failure></testcase>`
        : `${open}/>`;
    case 'FAIL':
      return `${open}><failure message="${attr(message)}" type="FAIL">${escapeXml(message)}</failure></testcase>`;
    case 'SKIP':
      return `${open}><skipped message="${attr(message)}"/></testcase>`;
    default:
      return `${open}><error type="${r.status}" message="${attr(message)}">${escapeXml(message)}</error></testcase>`;
  }
}

/** Passes the expectations did not expect: each is a <failure> (the gate fails on it). */
const unexpectedPasses = (results: Result[]) => results.filter((r) => gateOutcome(r) === 'unexpected-pass').length;

/** Render a report as JUnit XML: one testsuite per target. Pure: no I/O. */
export function renderJunit(report: Report): string {
  const caseById = new Map(report.cases.map((c) => [c.id, c]));
  const all = emptyTally();
  let totalMs = 0;
  const suites = report.targets.map((t) => {
    const results = report.results.filter((r) => r.target === t.name);
    const tally = emptyTally();
    for (const r of results) { addToTally(tally, r.status); addToTally(all, r.status); }
    const errors = tally.counts.ERROR + tally.counts.CRASH + tally.counts.TIMEOUT;
    const failed = tally.counts.FAIL + unexpectedPasses(results);
    const ms = suiteMs(t, results);
    totalMs += ms;
    const props = { runtime: t.runtime, version: t.version, settings: settingsLine(t.settings, t.flags), os: t.os, arch: t.arch,
      nodeVersion: t.nodeVersion, edgecompatVersion: t.edgecompatVersion, ...(t.skipped ? { skipped: t.skipped } : {}) };
    const properties = Object.entries(props).map(([k, v]) => `<property name="${attr(k)}" value="${attr(v)}"/>`).join('');
    return `  <testsuite name="${attr(t.name)}" tests="${results.length}" failures="${failed}" errors="${errors}" ` +
      `skipped="${tally.skipped}" time="${seconds(ms)}" timestamp="${attr(t.startedAt)}">\n    <properties>${properties}</properties>\n` +
      results.map((r) => `    ${testcase(r, caseById.get(r.caseId))}\n`).join('') + '  </testsuite>\n';
  });
  const errors = all.counts.ERROR + all.counts.CRASH + all.counts.TIMEOUT;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="edgecompat ${attr(report.edgecompatVersion)}" ` +
    `tests="${report.results.length}" failures="${all.counts.FAIL + unexpectedPasses(report.results)}" errors="${errors}" skipped="${all.skipped}" time="${seconds(totalMs)}">\n` +
    suites.join('') + '</testsuites>\n';
}

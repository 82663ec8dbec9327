/**
 * Bad input never gives a stack trace. From a few valid files (a case file, an expectations file,
 * a config, a report.json) a table of mutations generates malformed ones: YAML or JSON that does
 * not parse, wrong types, unknown and missing fields, duplicate ids, huge files, binary garbage,
 * an empty file, an alias bomb, deep nesting, missing or wrong paths, reports cut short or of
 * another shape or schema version. Each must exit 2 naming the file and the line or JSON path, with
 * no stack trace and nothing run (no results.jsonl, nothing written). Every mutation goes through
 * the CLI's main() in this process; one batch of each kind goes through the real CLI in a child
 * process too. A route with a syntax error is not bad input but the case's result: the target's
 * build or load refuses it, and the run goes on.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.ts';
import { readExpectations } from '../core/cases/expectations.ts';
import type { Report } from '../core/report/report-types.ts';
import { buildSampleReport } from '../reports/sample-report.ts';

const BIN = new URL('../cli/bin.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'edgecompat-bad-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------
// Running the CLI, in this process and as a child process.

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** main() as bin.mjs calls it, with what it prints collected and the exit code it sets. */
async function inProcess(args: string[]): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const collect = (append: (s: string) => void) => ((chunk: string | Uint8Array) => {
    append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(collect((s) => (stdout += s)));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(collect((s) => (stderr += s)));
  const before = process.exitCode;
  try {
    process.exitCode = undefined;
    await main(['node', 'edgecompat', ...args]);
    return { code: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = before;
  }
}

/** The real CLI in a child process. */
function child(args: string[], cwd = dir): Ran {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2, every expected text in stderr, no stack trace, no internal error. */
function expectRefused(ran: Ran, says: Array<string | RegExp>): void {
  expect(ran.code, ran.stderr.slice(0, 2000)).toBe(2);
  expect(ran.stderr).toContain('edgecompat: invalid input, nothing was run:');
  for (const said of says) {
    if (typeof said === 'string') expect(ran.stderr).toContain(said);
    else expect(ran.stderr).toMatch(said);
  }
  expect(ran.stderr).not.toMatch(/^\s+at /m);
  expect(ran.stderr).not.toMatch(/internal error/);
}

// ---------------------------------------------------------------------------------------------
// Generated content.

/** Deterministic bytes that look random (sha256 in counter mode). */
function noise(bytes: number, seed: string): Buffer {
  const blocks: Buffer[] = [];
  for (let i = 0; blocks.length * 32 < bytes; i++) blocks.push(createHash('sha256').update(`${seed}:${i}`).digest());
  return Buffer.concat(blocks).subarray(0, bytes);
}

const MB = 1024 * 1024;

/** Replaces `find` (which must occur) in `text`. */
function edit(text: string, find: string, replace: string): string {
  if (!text.includes(find)) throw new Error(`mutation does not apply: ${JSON.stringify(find)} not found`);
  return text.replace(find, replace);
}

/** Bytes of `text` with `find` replaced by raw bytes. */
function editBytes(text: string, find: string, replace: Buffer): Buffer {
  const at = text.indexOf(find);
  if (at === -1) throw new Error(`mutation does not apply: ${JSON.stringify(find)} not found`);
  return Buffer.concat([Buffer.from(text.slice(0, at)), replace, Buffer.from(text.slice(at + find.length))]);
}

// ---------------------------------------------------------------------------------------------
// The valid inputs.

const CASE = `area: bad
feature: input
source: https://example.com/spec
cases:
  - id: bad/input/inline
    title: an inline route
    route: |
      export default () => new Response('ok')
    expect: { status: 200, body: { equals: ok } }
  - id: bad/input/from-file
    title: a route from a file
    route: { file: ok.js }
    expect: { status: 200 }
`;
const ROUTE = "export default () => new Response('ok')\n";
const lineOf = (text: string, find: string) => text.slice(0, text.indexOf(find)).split('\n').length;

const validSuite = join(dir, 'valid');
mkdirSync(validSuite);
writeFileSync(join(validSuite, 'case.yaml'), CASE);
writeFileSync(join(validSuite, 'ok.js'), ROUTE);
/** A config that sets nothing the tests care about: a config in the working folder is never read. */
const neutralConfig = join(dir, 'neutral.config.yaml');
writeFileSync(neutralConfig, 'reporters: [json]\n');

const EXPECTATIONS = `targets:
  node:
    bad/input/*: FAIL
subtests:
  node:
    bad/input/inline: [a vector]
`;
const configText = (rest = 'targets: [node]\nreporters: [json]\n') => `suites: [${JSON.stringify(validSuite)}]\n${rest}`;
const CONFIG = configText();
const REPORT = buildSampleReport({ cases: 3, targets: 2 });
const REPORT_TEXT = `${JSON.stringify(REPORT, null, 2)}\n`;

// ---------------------------------------------------------------------------------------------
// Mutations. `$` in an expected text stands for the mutation's own folder (named after it).

interface Mutation {
  name: string;
  /** Files of the mutation's folder; the case file is case.yaml. */
  files: Record<string, string | Buffer | null>;
  says: Array<string | RegExp>;
}

const big = (bytes: number) => `${CASE}${'# padding, to make the file big\n'.repeat(Math.ceil(bytes / 32))}`;
const deepFlow = (levels: number) => edit(CASE, 'expect: { status: 200, body: { equals: ok } }', `expect: { status: 200, body: { json: ${'['.repeat(levels)}${']'.repeat(levels)} } }`);
const deepBlock = (levels: number) => edit(CASE, "    expect: { status: 200 }\n", `    expect:\n      body:\n        json:\n${Array.from({ length: levels }, (_, i) => `${' '.repeat(10 + 2 * i)}a:`).join('\n')} 1\n`);
/** "Billion laughs": nine aliases of nine aliases ... of nine strings, nine levels deep. */
const LAUGHS = `${['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`)].join('\n')}\n`;
const ALIAS_BOMB = `${CASE}${LAUGHS}`;

const caseMutations: Mutation[] = [
  // YAML that does not parse.
  { name: 'unclosed-flow-mapping', files: { 'case.yaml': edit(CASE, '{ equals: ok } }', '{ equals: ok }'), 'ok.js': ROUTE }, says: [/unclosed-flow-mapping\/case\.yaml:\d+: invalid YAML/] },
  { name: 'tab-indentation', files: { 'case.yaml': edit(CASE, '    title: an inline route', '\ttitle: an inline route'), 'ok.js': ROUTE }, says: ['$/case.yaml:6: invalid YAML'] },
  { name: 'unclosed-quote', files: { 'case.yaml': edit(CASE, 'title: an inline route', 'title: "an inline route'), 'ok.js': ROUTE }, says: [/unclosed-quote\/case\.yaml:\d+: invalid YAML/] },
  { name: 'duplicate-key', files: { 'case.yaml': edit(CASE, '    title: an inline route\n', '    title: an inline route\n    title: again\n'), 'ok.js': ROUTE }, says: ['$/case.yaml:7: invalid YAML: Map keys must be unique'] },
  { name: 'two-documents', files: { 'case.yaml': `${CASE}---\n${CASE}`, 'ok.js': ROUTE }, says: ['$/case.yaml:14: invalid YAML: Source contains multiple documents'] },
  { name: 'a-plain-string', files: { 'case.yaml': 'just some words\n' }, says: ['$/case.yaml:1 /: must be object'] },
  { name: 'a-list', files: { 'case.yaml': '- area: bad\n' }, says: ['$/case.yaml:1 /: must be object'] },
  // Wrong types.
  { name: 'title-a-number', files: { 'case.yaml': edit(CASE, 'title: an inline route', 'title: 42'), 'ok.js': ROUTE }, says: ['$/case.yaml:6 /cases/0/title: must be string'] },
  { name: 'title-binary-tag', files: { 'case.yaml': edit(CASE, 'title: an inline route', 'title: !!binary aGVsbG8='), 'ok.js': ROUTE }, says: ['$/case.yaml:6 /cases/0/title: must be string'] },
  { name: 'area-a-list', files: { 'case.yaml': edit(CASE, 'area: bad', 'area: [bad]'), 'ok.js': ROUTE }, says: ['$/case.yaml:1 /area: must be string'] },
  { name: 'cases-a-mapping', files: { 'case.yaml': 'area: bad\nfeature: input\nsource: https://example.com/spec\ncases: { id: bad/input/x }\n' }, says: ['$/case.yaml:4 /cases: must be array'] },
  { name: 'cases-empty', files: { 'case.yaml': 'area: bad\nfeature: input\nsource: https://example.com/spec\ncases: []\n' }, says: ['$/case.yaml:4 /cases: must NOT have fewer than 1 items'] },
  { name: 'status-words', files: { 'case.yaml': edit(CASE, 'status: 200, body', 'status: two hundred, body'), 'ok.js': ROUTE }, says: ['$/case.yaml:9 /cases/0/expect/status: must be integer'] },
  { name: 'timeout-too-long', files: { 'case.yaml': edit(CASE, 'area: bad', 'area: bad\ntimeoutMs: 999999999'), 'ok.js': ROUTE }, says: ['$/case.yaml:2 /timeoutMs: must be <= 120000'] },
  { name: 'id-pattern', files: { 'case.yaml': edit(CASE, 'id: bad/input/inline', 'id: Bad Input'), 'ok.js': ROUTE }, says: ['$/case.yaml:5 /cases/0/id: must match pattern'] },
  { name: 'route-a-number', files: { 'case.yaml': edit(CASE, "route: |\n      export default () => new Response('ok')", 'route: 5'), 'ok.js': ROUTE }, says: ['$/case.yaml:7 /cases/0/route: must be'] },
  { name: 'source-not-a-url', files: { 'case.yaml': edit(CASE, 'source: https://example.com/spec', 'source: the spec'), 'ok.js': ROUTE }, says: ['$/case.yaml:3 /source: must match format "uri"'] },
  // Unknown fields.
  { name: 'unknown-top-field', files: { 'case.yaml': edit(CASE, 'feature: input', 'feature: input\nareas: [bad]'), 'ok.js': ROUTE }, says: ['$/case.yaml:3 /: unknown field "areas"'] },
  { name: 'unknown-case-field', files: { 'case.yaml': edit(CASE, '    title: a route from a file', '    title: a route from a file\n    tittle: typo'), 'ok.js': ROUTE }, says: ['$/case.yaml:12 /cases/1: unknown field "tittle"'] },
  { name: 'unknown-expect-field', files: { 'case.yaml': edit(CASE, 'expect: { status: 200 }', 'expect: { status: 200, bodee: x }'), 'ok.js': ROUTE }, says: ['$/case.yaml:13 /cases/1/expect: unknown field "bodee"'] },
  { name: 'proto-key', files: { 'case.yaml': edit(CASE, '    title: a route from a file', '    title: a route from a file\n    __proto__: { refused: {} }'), 'ok.js': ROUTE }, says: ['$/case.yaml:12 /cases/1: unknown field "__proto__"'] },
  // Missing fields.
  { name: 'missing-source', files: { 'case.yaml': edit(CASE, 'source: https://example.com/spec\n', ''), 'ok.js': ROUTE }, says: ['$/case.yaml:4 /cases/0: no source', '$/case.yaml:9 /cases/1: no source'] },
  { name: 'missing-title', files: { 'case.yaml': edit(CASE, '    title: an inline route\n', ''), 'ok.js': ROUTE }, says: ['$/case.yaml:5 /cases/0: missing field "title"'] },
  { name: 'missing-route', files: { 'case.yaml': edit(CASE, '    route: { file: ok.js }\n', ''), 'ok.js': ROUTE }, says: ['$/case.yaml:10 /cases/1: give a route (or a probe)'] },
  { name: 'missing-area', files: { 'case.yaml': edit(CASE, 'area: bad\n', ''), 'ok.js': ROUTE }, says: ['$/case.yaml:1 /: missing field "area"'] },
  // Duplicate ids, within a file and across files.
  { name: 'duplicate-id-in-file', files: { 'case.yaml': edit(CASE, 'id: bad/input/from-file', 'id: bad/input/inline'), 'ok.js': ROUTE }, says: ['$/case.yaml:10 /cases/1/id: duplicate id "bad/input/inline" (first in '] },
  { name: 'duplicate-id-across-files', files: { 'case.yaml': CASE, 'more.yaml': CASE, 'ok.js': ROUTE }, says: [/duplicate-id-across-files\/more\.yaml:5 \/cases\/0\/id: duplicate id "bad\/input\/inline" \(first in \S*duplicate-id-across-files\/case\.yaml:5\)/] },
  { name: 'id-outside-its-area', files: { 'case.yaml': edit(CASE, 'id: bad/input/inline', 'id: other/input/inline'), 'ok.js': ROUTE }, says: ['$/case.yaml:5 /cases/0/id: id "other/input/inline" must begin with its area "bad/"'] },
  // Huge files.
  { name: 'a-20-mb-file', files: { 'case.yaml': big(20 * MB), 'ok.js': ROUTE }, says: [/a-20-mb-file\/case\.yaml: is 20,\d{3},\d{3} bytes; edgecompat reads at most 8 MiB/] },
  { name: 'a-10-mb-string', files: { 'case.yaml': edit(CASE, 'title: an inline route', `title: ${'x'.repeat(10 * MB)}`), 'ok.js': ROUTE }, says: [/a-10-mb-string\/case\.yaml: is 10,\d{3},\d{3} bytes; edgecompat reads at most 8 MiB/] },
  // Binary garbage.
  { name: 'random-bytes', files: { 'case.yaml': noise(4096, 'case') }, says: [/random-bytes\/case\.yaml:\d+: is not UTF-8 text/] },
  { name: 'a-nul-byte', files: { 'case.yaml': edit(CASE, 'title: an inline', 'title: an\u0000inline'), 'ok.js': ROUTE }, says: ['$/case.yaml:6: the control character U+0000 at column 14'] },
  { name: 'only-nul-bytes', files: { 'case.yaml': Buffer.alloc(64) }, says: ['$/case.yaml:1: the control character U+0000 at column 1'] },
  { name: 'a-bell', files: { 'case.yaml': edit(CASE, 'title: a route', 'title: a\u0007route'), 'ok.js': ROUTE }, says: ['$/case.yaml:11: the control character U+0007'] },
  { name: 'invalid-utf8', files: { 'case.yaml': editBytes(CASE, "Response('ok')", Buffer.from([0x52, 0x65, 0xc3, 0x28])), 'ok.js': ROUTE }, says: ['$/case.yaml:8: is not UTF-8 text'] },
  { name: 'latin-1', files: { 'case.yaml': editBytes(CASE, 'a route from a file', Buffer.from('a route from a caf\xe9', 'latin1')), 'ok.js': ROUTE }, says: ['$/case.yaml:11: is not UTF-8 text'] },
  { name: 'utf-16', files: { 'case.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CASE, 'utf16le')]), 'ok.js': ROUTE }, says: ['$/case.yaml:1: is not UTF-8 text'] },
  { name: 'a-bom-inside', files: { 'case.yaml': edit(CASE, 'title: a route', 'title: \uFEFFa route'), 'ok.js': ROUTE }, says: ['$/case.yaml:11: a byte order mark (U+FEFF) inside the document'] },
  // Empty.
  { name: 'empty', files: { 'case.yaml': '' }, says: ['$/case.yaml /: the file holds no data'] },
  { name: 'only-comments', files: { 'case.yaml': '# nothing yet\n\n' }, says: ['$/case.yaml /: the file holds no data'] },
  // Resource exhaustion.
  { name: 'alias-bomb', files: { 'case.yaml': ALIAS_BOMB, 'ok.js': ROUTE }, says: [`$/case.yaml:${lineOf(ALIAS_BOMB, 'b: &b')}: invalid YAML: its aliases expand to far more data than the file holds`] },
  { name: 'alias-in-itself', files: { 'case.yaml': edit(CASE, 'expect: { status: 200 }', 'expect: &e { status: 200, body: { json: *e } }'), 'ok.js': ROUTE }, says: ['$/case.yaml:13 /cases/1/expect/body/json: an alias inside its own anchor'] },
  { name: 'nested-5000-deep', files: { 'case.yaml': deepFlow(5000), 'ok.js': ROUTE }, says: [/nested-5000-deep\/case\.yaml(:\d+)?: invalid YAML: nested too deeply to read/] },
  // The 97th `a` (line 16 + 96) opens the first mapping past 100 levels: cases, 1, expect, body, json and 96 a's.
  { name: 'nested-120-deep', files: { 'case.yaml': deepBlock(120), 'ok.js': ROUTE }, says: [/nested-120-deep\/case\.yaml:112 \/cases\/1\/expect\/body\/json(\/a){96}: nested more than 100 levels deep/] },
  // Route files.
  { name: 'route-file-missing', files: { 'case.yaml': edit(CASE, 'file: ok.js', 'file: nope.js') }, says: [/route-file-missing\/case\.yaml:12 \/cases\/1\/route: route file not found: \S*route-file-missing\/nope\.js/] },
  { name: 'route-file-a-folder', files: { 'case.yaml': CASE, 'ok.js/index.js': ROUTE }, says: [/route-file-a-folder\/case\.yaml:12 \/cases\/1\/route: route file is not a file: \S*route-file-a-folder\/ok\.js/] },
  { name: 'route-file-not-js', files: { 'case.yaml': edit(CASE, 'file: ok.js', 'file: ok.txt'), 'ok.txt': ROUTE }, says: ['$/case.yaml:12 /cases/1/route/file: must match pattern'] },
];

const expectationMutations: Mutation[] = [
  { name: 'bad-status', files: { 'known.yaml': edit(EXPECTATIONS, ': FAIL', ': BROKEN') }, says: ['$/known.yaml:3 /targets/node/bad~1input~1*: must be equal to one of the allowed values: "PASS", "FAIL"'] },
  { name: 'status-in-lower-case', files: { 'known.yaml': edit(EXPECTATIONS, ': FAIL', ': fail') }, says: ['$/known.yaml:3 /targets/node/bad~1input~1*: must be equal to one of the allowed values'] },
  { name: 'target-a-status', files: { 'known.yaml': 'targets:\n  node: FAIL\n' }, says: ['$/known.yaml:2 /targets/node: must be object'] },
  { name: 'targets-a-list', files: { 'known.yaml': 'targets: [node]\n' }, says: ['$/known.yaml:1 /targets: must be object'] },
  { name: 'target-empty', files: { 'known.yaml': 'targets:\n  node: {}\n' }, says: ['$/known.yaml:2 /targets/node: must NOT have fewer than 1 properties'] },
  { name: 'unknown-field', files: { 'known.yaml': edit(EXPECTATIONS, 'targets:', 'target:') }, says: ['$/known.yaml:1 /: unknown field "target"'] },
  { name: 'subtests-not-a-list', files: { 'known.yaml': edit(EXPECTATIONS, '[a vector]', 'a vector') }, says: ['$/known.yaml:6 /subtests/node/bad~1input~1inline: must be array'] },
  { name: 'glob-too-long', files: { 'known.yaml': edit(EXPECTATIONS, '    bad/input/*: FAIL', `    ? bad/${'x'.repeat(70_000)}/*\n    : FAIL`) }, says: [/glob-too-long\/known\.yaml:4 \/targets\/node\/bad~1x+~1\*: not a case id or id glob: /] },
  { name: 'yaml-broken', files: { 'known.yaml': 'targets: { node: { bad/input/*: FAIL }\n' }, says: [/yaml-broken\/known\.yaml:\d+: invalid YAML/] },
  { name: 'empty', files: { 'known.yaml': '' }, says: ['$/known.yaml /: the file holds no data'] },
  { name: 'random-bytes', files: { 'known.yaml': noise(2048, 'known') }, says: [/random-bytes\/known\.yaml:\d+: is not UTF-8 text/] },
  { name: 'a-nul-byte', files: { 'known.yaml': edit(EXPECTATIONS, 'node:', 'no\u0000de:') }, says: ['$/known.yaml:2: the control character U+0000'] },
  { name: 'a-20-mb-file', files: { 'known.yaml': `${EXPECTATIONS}${'# pad\n'.repeat((20 * MB) / 6)}` }, says: [/a-20-mb-file\/known\.yaml: is 20,\d{3},\d{3} bytes/] },
  { name: 'alias-bomb', files: { 'known.yaml': `${EXPECTATIONS}${LAUGHS}` }, says: [/alias-bomb\/known\.yaml:\d+: invalid YAML: its aliases expand/] },
  { name: 'missing', files: {}, says: ['$/known.yaml: no such file'] },
  { name: 'a-folder', files: { 'known.yaml/x': 'x' }, says: ['$/known.yaml: is a folder, not a file'] },
];

const configMutations: Mutation[] = [
  { name: 'suites-a-string', files: { 'edgecompat.config.yaml': `suites: ${JSON.stringify(validSuite)}\n` }, says: ['$/edgecompat.config.yaml:1 /suites: must be array'] },
  { name: 'suites-empty', files: { 'edgecompat.config.yaml': 'suites: []\n' }, says: ['$/edgecompat.config.yaml:1 /suites: must NOT have fewer than 1 items'] },
  { name: 'suites-missing', files: { 'edgecompat.config.yaml': 'suites: [nowhere]\n' }, says: ['$/edgecompat.config.yaml:1 /suites/0: no such file or folder: nowhere'] },
  { name: 'targets-a-bad-name', files: { 'edgecompat.config.yaml': edit(CONFIG, '[node]', '[Node!]') }, says: ['$/edgecompat.config.yaml:2 /targets/0: must match pattern'] },
  { name: 'targets-twice', files: { 'edgecompat.config.yaml': edit(CONFIG, '[node]', '[node, { name: node, runner: node }]') }, says: ['$/edgecompat.config.yaml:2 /targets/1: target "node" is listed twice'] },
  { name: 'column-without-runner', files: { 'edgecompat.config.yaml': edit(CONFIG, '[node]', '[{ name: mine }]') }, says: ['$/edgecompat.config.yaml:2 /targets/0: missing field "runner"'] },
  { name: 'column-unknown-field', files: { 'edgecompat.config.yaml': edit(CONFIG, '[node]', '[{ name: mine, runner: node, setings: {} }]') }, says: ['$/edgecompat.config.yaml:2 /targets/0: unknown field "setings"'] },
  { name: 'column-unknown-size-limit', files: { 'edgecompat.config.yaml': edit(CONFIG, '[node]', '[{ name: mine, runner: node, settings: { sizeLimit: nowhere/free } }]') }, says: ['$/edgecompat.config.yaml:2 /targets/0/settings/sizeLimit: nowhere/free: no such platform profile'] },
  { name: 'column-unknown-plan', files: { 'edgecompat.config.yaml': edit(CONFIG, '[node]', '[{ name: mine, runner: edge-runtime, settings: { sizeLimit: platinum } }]') }, says: ['$/edgecompat.config.yaml:2 /targets/0/settings/sizeLimit: platinum: profile "vercel" has no plan "platinum"'] },
  { name: 'column-size-limit-a-number', files: { 'edgecompat.config.yaml': edit(CONFIG, '[node]', '[{ name: mine, runner: node, settings: { sizeLimit: 5 } }]') }, says: ['$/edgecompat.config.yaml:2 /targets/0/settings/sizeLimit: must be a string'] },
  { name: 'expectations-a-number', files: { 'edgecompat.config.yaml': `${CONFIG}expectations: 5\n` }, says: ['$/edgecompat.config.yaml:4 /expectations: must be string'] },
  { name: 'expectations-missing', files: { 'edgecompat.config.yaml': `${CONFIG}expectations: known.yaml\n` }, says: ['$/edgecompat.config.yaml:4 /expectations: no such file: known.yaml'] },
  { name: 'expectations-a-folder', files: { 'edgecompat.config.yaml': `${CONFIG}expectations: known\n`, 'known/x': 'x' }, says: ['$/edgecompat.config.yaml:4 /expectations: known is a folder, not a file'] },
  { name: 'expectations-malformed', files: { 'edgecompat.config.yaml': `${CONFIG}expectations: known.yaml\n`, 'known.yaml': 'targets: [node]\n' }, says: ['$/known.yaml:1 /targets: must be object'] },
  { name: 'reporters-unknown', files: { 'edgecompat.config.yaml': edit(CONFIG, '[json]', '[pdf]') }, says: ['$/edgecompat.config.yaml:3 /reporters/0: must be equal to one of the allowed values'] },
  { name: 'reporters-a-string', files: { 'edgecompat.config.yaml': edit(CONFIG, '[json]', 'json') }, says: ['$/edgecompat.config.yaml:3 /reporters: must be array'] },
  { name: 'profiles-missing', files: { 'edgecompat.config.yaml': `${CONFIG}profiles: [acme.yaml]\n` }, says: ['$/edgecompat.config.yaml:4 /profiles/0: no such file: acme.yaml'] },
  { name: 'profiles-a-folder', files: { 'edgecompat.config.yaml': `${CONFIG}profiles: [acme]\n`, 'acme/x': 'x' }, says: ['$/edgecompat.config.yaml:4 /profiles/0: acme is a folder, not a file'] },
  { name: 'profiles-malformed', files: { 'edgecompat.config.yaml': `${CONFIG}profiles: [acme.yaml]\n`, 'acme.yaml': 'platform: acme\n' }, says: ['$/acme.yaml:1 /: missing field "title"'] },
  { name: 'runners-missing', files: { 'edgecompat.config.yaml': `${CONFIG}runners: [mine.mjs]\n` }, says: ['$/edgecompat.config.yaml:4 /runners/0: no such file: mine.mjs'] },
  { name: 'runners-a-folder', files: { 'edgecompat.config.yaml': `${CONFIG}runners: [mine]\n`, 'mine/x': 'x' }, says: ['$/edgecompat.config.yaml:4 /runners/0: mine is a folder, not a file'] },
  { name: 'runners-not-a-runner', files: { 'edgecompat.config.yaml': `${CONFIG}runners: [mine.mjs]\n`, 'mine.mjs': 'export default 5\n' }, says: ['$/mine.mjs: not a runner module'] },
  { name: 'out-a-file', files: { 'edgecompat.config.yaml': `${CONFIG}out: report.txt\n`, 'report.txt': 'x' }, says: ['$/edgecompat.config.yaml:4 /out: report.txt is a file: out is the folder the reports are written to'] },
  { name: 'out-empty', files: { 'edgecompat.config.yaml': `${CONFIG}out: ""\n` }, says: ['$/edgecompat.config.yaml:4 /out: must NOT have fewer than 1 characters'] },
  { name: 'unknown-field', files: { 'edgecompat.config.yaml': edit(CONFIG, 'reporters:', 'reporter:') }, says: ['$/edgecompat.config.yaml:3 /: unknown field "reporter"'] },
  { name: 'yaml-broken', files: { 'edgecompat.config.yaml': edit(CONFIG, '[node]', '[node') }, says: [/yaml-broken\/edgecompat\.config\.yaml:\d+: invalid YAML/] },
  { name: 'json-broken', files: { 'edgecompat.config.json': '{ "suites": ["x" }\n' }, says: [/json-broken\/edgecompat\.config\.json:1/] },
  { name: 'empty', files: { 'edgecompat.config.yaml': '' }, says: ['$/edgecompat.config.yaml /: the file holds no data'] },
  { name: 'a-nul-byte', files: { 'edgecompat.config.yaml': edit(CONFIG, 'targets', 'tar\u0000gets') }, says: ['$/edgecompat.config.yaml:2: the control character U+0000'] },
  { name: 'random-bytes', files: { 'edgecompat.config.yaml': noise(1024, 'config') }, says: [/random-bytes\/edgecompat\.config\.yaml:\d+: is not UTF-8 text/] },
  { name: 'nested-5000-deep', files: { 'edgecompat.config.yaml': `out: ${'['.repeat(5000)}${']'.repeat(5000)}\n` }, says: [/nested-5000-deep\/edgecompat\.config\.yaml(:\d+)?: invalid YAML: nested too deeply/] },
];

/** A report.json with one change made to its data. */
const reportWith = (change: (r: Report) => void) => {
  const r = structuredClone(REPORT);
  change(r);
  return JSON.stringify(r, null, 2);
};
const reportLine = (find: string) => lineOf(REPORT_TEXT, find);
const firstMessage = REPORT.results[0].message;

const reportMutations: Mutation[] = [
  { name: 'cut-in-half', files: { 'report.json': REPORT_TEXT.slice(0, REPORT_TEXT.length / 2) }, says: [`$/report.json: not valid JSON at line ${REPORT_TEXT.slice(0, REPORT_TEXT.length / 2).split('\n').length}: the text ends before the JSON does`] },
  { name: 'cut-to-one-byte', files: { 'report.json': '{' }, says: ['$/report.json: not valid JSON at line 1: the text ends before the JSON does'] },
  { name: 'empty', files: { 'report.json': '' }, says: ['$/report.json: not valid JSON: the file is empty'] },
  { name: 'html', files: { 'report.json': '\n<!doctype html>\n<title>502 Bad Gateway</title>\n' }, says: ['$/report.json: not valid JSON at line 2: '] },
  { name: 'yaml', files: { 'report.json': 'schemaVersion: 2\nresults: []\n' }, says: ['$/report.json: not valid JSON at line 1: '] },
  { name: 'a-stray-token', files: { 'report.json': edit(REPORT_TEXT, '"caseSetHash"', 'x "caseSetHash"') }, says: [`$/report.json: not valid JSON at line ${reportLine('"caseSetHash"')}: `] },
  { name: 'a-trailing-comma', files: { 'report.json': edit(REPORT_TEXT, '"0123456789abcdef",', '"0123456789abcdef",,') }, says: [`$/report.json: not valid JSON at line ${reportLine('"0123456789abcdef"')}: `] },
  { name: 'random-bytes', files: { 'report.json': noise(4096, 'report') }, says: [/random-bytes\/report\.json:\d+: is not UTF-8 text/] },
  { name: 'a-nul-byte', files: { 'report.json': `\u0000${REPORT_TEXT}` }, says: ['$/report.json: not valid JSON at line 1: ', /^(?!.*\u0000)/s] },
  { name: 'a-control-character-in-a-string', files: { 'report.json': edit(REPORT_TEXT, JSON.stringify(firstMessage), `"\u0001${JSON.stringify(firstMessage).slice(1)}`) }, says: [`$/report.json: not valid JSON at line ${reportLine(JSON.stringify(firstMessage))}: `] },
  { name: 'invalid-utf8', files: { 'report.json': editBytes(REPORT_TEXT, JSON.stringify(firstMessage), Buffer.concat([Buffer.from('"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"')])) }, says: [`$/report.json:${reportLine(JSON.stringify(firstMessage))}: is not UTF-8 text`] },
  { name: 'a-bom-inside', files: { 'report.json': edit(REPORT_TEXT, '"caseSetHash"', '\uFEFF"caseSetHash"') }, says: [`$/report.json: not valid JSON at line ${reportLine('"caseSetHash"')}: `, /^(?!.*\uFEFF)/s] },
  { name: 'an-array', files: { 'report.json': '[]' }, says: ['$/report.json /: must be object'] },
  { name: 'null', files: { 'report.json': 'null' }, says: ['$/report.json /: must be object'] },
  { name: 'a-string', files: { 'report.json': '"report"' }, says: ['$/report.json /: must be object'] },
  { name: 'an-empty-object', files: { 'report.json': '{}' }, says: ['$/report.json /: missing field "schemaVersion"', '$/report.json /: missing field "results"'] },
  { name: 'results-an-object', files: { 'report.json': reportWith((r) => { (r as unknown as { results: object }).results = {}; }) }, says: ['$/report.json /results: must be array'] },
  { name: 'a-bad-status', files: { 'report.json': reportWith((r) => { (r.results[1] as { status: string }).status = 'MAYBE'; }) }, says: ['$/report.json /results/1/status: must be equal to one of the allowed values'] },
  { name: 'a-case-without-id', files: { 'report.json': reportWith((r) => { delete (r.cases[2] as { id?: string }).id; }) }, says: ['$/report.json /cases/2: missing field "id"'] },
  { name: 'nested-100000-deep', files: { 'report.json': edit(REPORT_TEXT, '"results": [', `"results": [${'['.repeat(100_000)}${']'.repeat(100_000)}, `) }, says: ['$/report.json /results/0: must be object'] },
  { name: 'schema-version-1', files: { 'report.json': reportWith((r) => { (r as { schemaVersion: number }).schemaVersion = 1; }) }, says: ['$/report.json /schemaVersion: a report of schema version 1; this edgecompat reads version 2'] },
  { name: 'schema-version-999', files: { 'report.json': reportWith((r) => { (r as { schemaVersion: number }).schemaVersion = 999; }) }, says: ['$/report.json /schemaVersion: a report of schema version 999'] },
  { name: 'schema-version-a-string', files: { 'report.json': reportWith((r) => { (r as unknown as { schemaVersion: string }).schemaVersion = '2'; }) }, says: ['$/report.json /schemaVersion: must be'] },
  { name: 'a-result-of-no-case', files: { 'report.json': reportWith((r) => { r.results[3].caseId = 'bad/input/nowhere'; }) }, says: ['$/report.json /results/3/caseId: a result of case "bad/input/nowhere", which /cases does not list'] },
  { name: 'a-result-on-no-target', files: { 'report.json': reportWith((r) => { r.results[0].target = 'nowhere'; }) }, says: ['$/report.json /results/0/target: a result on target "nowhere", which /targets does not list'] },
  { name: 'a-case-twice', files: { 'report.json': reportWith((r) => { r.cases.push(r.cases[0]); }) }, says: ['$/report.json /cases/3/id: case "streaming/readable-stream/case-000" is listed twice (first at /cases/0)'] },
  { name: 'a-target-twice', files: { 'report.json': reportWith((r) => { r.targets.push(r.targets[1]); }) }, says: ['$/report.json /targets/2/name: target "edge-runtime" is listed twice (first at /targets/1)'] },
  { name: 'a-result-twice', files: { 'report.json': reportWith((r) => { r.results.push(r.results[2]); }) }, says: ['$/report.json /results/6: a second result of case'] },
  { name: 'missing', files: {}, says: ['$/report.json: no such file'] },
];

/** Writes each mutation's files into kind/name/ and returns that folder. */
function materialise(kind: string, mutations: Mutation[]): Map<string, string> {
  const folders = new Map<string, string>();
  for (const m of mutations) {
    const folder = join(dir, kind, m.name);
    mkdirSync(folder, { recursive: true });
    for (const [name, content] of Object.entries(m.files)) {
      if (content === null) continue;
      mkdirSync(join(folder, name, '..'), { recursive: true });
      writeFileSync(join(folder, name), content);
    }
    folders.set(m.name, folder);
  }
  return folders;
}

const says = (m: Mutation) => m.says.map((s) => (typeof s === 'string' ? s.replace('$', m.name) : s));

// ---------------------------------------------------------------------------------------------

describe('the valid inputs the mutations start from', () => {
  it('are accepted: the suite lists, the config applies, the expectations read, the report re-renders', async () => {
    expect(caseMutations.length + expectationMutations.length + configMutations.length + reportMutations.length).toBeGreaterThanOrEqual(50);
    const listed = await inProcess(['list', '--config', neutralConfig, '--suite', validSuite]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('bad/input/inline');
    expect(listed.stdout).toContain('bad/input/from-file');

    const configFile = join(dir, 'valid.config.yaml');
    writeFileSync(configFile, CONFIG);
    const configured = await inProcess(['list', '--config', configFile, '--json']);
    expect(configured.code, configured.stderr).toBe(0);
    expect((JSON.parse(configured.stdout) as { cases: unknown[] }).cases).toHaveLength(2);

    const known = join(dir, 'valid-known.yaml');
    writeFileSync(known, EXPECTATIONS);
    expect(readExpectations(known).targets).toEqual({ node: { 'bad/input/*': 'FAIL' } });

    mkdirSync(join(dir, 'valid-report'));
    writeFileSync(join(dir, 'valid-report', 'report.json'), REPORT_TEXT);
    const diffed = await inProcess(['diff', join(dir, 'valid-report'), join(dir, 'valid-report')]);
    expect(diffed.code, diffed.stderr).toBe(0);
  });

  it('may begin with a byte order mark, which YAML and JSON readers may skip', async () => {
    const folder = join(dir, 'with-bom');
    mkdirSync(folder);
    writeFileSync(join(folder, 'case.yaml'), `\uFEFF${CASE}`);
    writeFileSync(join(folder, 'ok.js'), ROUTE);
    writeFileSync(join(folder, 'report.json'), `\uFEFF${REPORT_TEXT}`);
    const listed = await inProcess(['list', '--config', neutralConfig, '--suite', folder]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('bad/input/inline');
    const diffed = await inProcess(['diff', join(folder, 'report.json'), join(dir, 'valid-report', 'report.json')]);
    expect(diffed.code, diffed.stderr).toBe(0);
  });
});

describe('malformed case files', () => {
  const folders = materialise('cases', caseMutations);

  it.each(caseMutations.map((m) => [m.name, m] as const))('%s: exit 2 naming the file and the line, nothing run', async (_, m) => {
    const out = join(dir, 'out-cases', m.name);
    const ran = await inProcess(['run', '--config', neutralConfig, '--suite', folders.get(m.name)!, '--targets', 'node', '--reporter', 'json', '--out', out]);
    expectRefused(ran, says(m));
    expect(existsSync(join(out, 'results.jsonl'))).toBe(false);
  });

  it('all at once through the real CLI: every file named in one exit 2, nothing run', () => {
    const ran = child(['run', '--suite', 'cases', '--targets', 'node', '--reporter', 'json', '--out', 'out-cases-batch']);
    expectRefused(ran, caseMutations.flatMap(says));
    expect(existsSync(join(dir, 'out-cases-batch', 'results.jsonl'))).toBe(false);
  });
});

describe('malformed expectations files', () => {
  const folders = materialise('expectations', expectationMutations);

  it.each(expectationMutations.map((m) => [m.name, m] as const))('%s: exit 2 naming the file and the line, nothing run', async (_, m) => {
    const out = join(dir, 'out-expectations', m.name);
    const ran = await inProcess(['run', '--config', neutralConfig, '--suite', validSuite, '--targets', 'node', '--reporter', 'json', '--out', out, '--expectations', join(folders.get(m.name)!, 'known.yaml')]);
    expectRefused(ran, says(m));
    expect(existsSync(join(out, 'results.jsonl'))).toBe(false);
  });

  it('through the real CLI', () => {
    const m = expectationMutations[0];
    const ran = child(['run', '--suite', validSuite, '--targets', 'node', '--reporter', 'json', '--out', 'out-expectations-cli', '--expectations', join('expectations', m.name, 'known.yaml')]);
    expectRefused(ran, says(m));
    expect(existsSync(join(dir, 'out-expectations-cli', 'results.jsonl'))).toBe(false);
  });
});

describe('malformed configs', () => {
  const folders = materialise('configs', configMutations);
  const configOf = (m: Mutation) => join(folders.get(m.name)!, Object.keys(m.files).find((f) => f.startsWith('edgecompat.config'))!);

  it.each(configMutations.map((m) => [m.name, m] as const))('%s: exit 2 naming the file and the field, nothing run', async (_, m) => {
    const out = join(dir, 'out-configs', m.name);
    const ran = await inProcess(['run', '--config', configOf(m), '--out', out]);
    expectRefused(ran, says(m));
    expect(existsSync(join(out, 'results.jsonl'))).toBe(false);
  });

  it('through the real CLI, found in the working folder', () => {
    const m = configMutations.find((x) => x.name === 'a-nul-byte')!;
    const ran = child(['run', '--out', join(dir, 'out-configs-cli')], folders.get(m.name));
    expectRefused(ran, ['edgecompat.config.yaml:2: the control character U+0000']);
    expect(existsSync(join(dir, 'out-configs-cli', 'results.jsonl'))).toBe(false);
  });
});

describe('malformed report.json files', () => {
  const folders = materialise('reports', reportMutations);
  const valid = join(dir, 'reports-valid.json');
  writeFileSync(valid, REPORT_TEXT);
  const commands = (bad: string, out: string): Array<[string, string[], string]> => [
    ['report', ['report', bad, '--out', out], join(out, 'index.html')],
    ['merge', ['merge', valid, bad, '--out', join(out, 'merged.json')], join(out, 'merged.json')],
    ['diff', ['diff', valid, bad], ''],
    ['expectations', ['expectations', bad, '--out', join(out, 'known.yaml')], join(out, 'known.yaml')],
  ];

  it.each(reportMutations.map((m) => [m.name, m] as const))('%s: exit 2 from report, merge, diff and expectations, naming the file and the path, nothing written', async (_, m) => {
    const bad = join(folders.get(m.name)!, 'report.json');
    for (const [name, args, written] of commands(bad, join(dir, 'out-reports', m.name))) {
      const ran = await inProcess(args);
      expectRefused(ran, says(m));
      expect(ran.stdout, name).toBe('');
      if (written) expect(existsSync(written), `${name} wrote ${written}`).toBe(false);
    }
  });

  it('through the real CLI, for each command', () => {
    const m = reportMutations[0];
    const bad = join('reports', m.name, 'report.json');
    for (const [, args, written] of commands(bad, join(dir, 'out-reports-cli'))) {
      expectRefused(child(args), says(m));
      if (written) expect(existsSync(written)).toBe(false);
    }
  });
});

describe('a route with a syntax error', () => {
  // Not bad input: whether a route's code loads is the target's verdict (its build or its runtime
  // refuses it), a result of that case alone, as README's `refused` and runners/bundling/bundle-route.ts say.
  const folder = join(dir, 'syntax');
  mkdirSync(folder);
  writeFileSync(join(folder, 'broken.js'), "export default () => new Response('ok'\n");
  writeFileSync(join(folder, 'case.yaml'), `area: bad
feature: syntax
source: https://example.com/spec
cases:
  - id: bad/syntax/fine
    title: a route that loads
    route: |
      export default () => new Response('ok')
    expect: { status: 200, body: { equals: ok } }
  - id: bad/syntax/inline
    title: an inline route that does not parse
    route: |
      export default () => new Response('ok'
    expect: { status: 200 }
  - id: bad/syntax/from-file
    title: a route file that does not parse
    route: { file: broken.js }
    expect: { status: 200 }
`);

  it('is listed like any case: the loader does not judge a route', async () => {
    const listed = await inProcess(['list', '--config', neutralConfig, '--suite', folder]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('bad/syntax/inline');
  });

  it('fails its own case (refused), the others run, and the run exits 1 without a stack trace', () => {
    const ran = child(['run', '--suite', folder, '--targets', 'node', '--reporter', 'json', '--out', 'out-syntax']);
    expect(ran.code, ran.stderr).toBe(1);
    expect(ran.stderr).not.toMatch(/^\s+at /m);
    expect(ran.stderr).not.toMatch(/internal error|invalid input/);
    const report = JSON.parse(readFileSync(join(dir, 'out-syntax', 'report.json'), 'utf8')) as Report;
    const result = (id: string) => report.results.find((r) => r.caseId === id)!;
    expect(result('bad/syntax/fine').status).toBe('PASS');
    // The route goes to the runtime as written, and node refuses it with its own SyntaxError at load:
    // the refusal is the runtime's, not edgecompat's import scan's.
    for (const id of ['bad/syntax/inline', 'bad/syntax/from-file']) {
      expect(result(id).status, id).toBe('FAIL');
      expect(result(id).message).toMatch(/^expected the route to load, but it was refused at load: SyntaxError: /);
    }
  });
});

it('refuses an --out that names a file (exit 2, naming the option), and leaves the file as it was', () => {
  const file = join(dir, 'out-is-a-file.txt');
  writeFileSync(file, 'keep me');
  const ran = child(['run', '--suite', validSuite, '--targets', 'node', '--out', file]);
  expectRefused(ran, ['--out: ', 'is a file; give a folder for the reports']);
  expect(readFileSync(file, 'utf8')).toBe('keep me');
});

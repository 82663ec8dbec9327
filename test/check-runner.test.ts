/**
 * `edgecompat check-runner`: the runner kit's example passes every check (and skips verified hosts,
 * having none); a plug-in with warm hosts passes every check, verified hosts included, and one whose
 * proof is blind or whose host dies when asked for a proof fails it; the README's in-process example
 * passes all but isolation and exit attribution, which it cannot pass; a runner whose exited() never
 * resolves, and one whose stop() leaves a process behind, fail their checks; bad input exits 2. And
 * the pure parts: /proc parsing and the verdicts on listeners, leftovers and warm hosts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Result } from '../core/report/report-types.ts';
import { leftoverProblems, listenerProblems, loadFailureProblems, throwingProblems, verifiedHostingProblems, warmStepProblems } from '../core/runner-check/judge.ts';
import { decodeAddress, descendantsOf, parseStat, parseTcpTable } from '../runners/host/proc.ts';

const BIN = new URL('../cli/bin.mjs', import.meta.url).pathname;
const NODE_STRICT = new URL('../examples/runners/node-strict.mjs', import.meta.url).pathname;
const FIXTURES = new URL('./fixtures/runners/', import.meta.url).pathname;
const README = new URL('../runners/README.md', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'edgecompat-check-runner-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs check-runner; returns the exit code and each check's status and line. */
function checkRunner(args: string[], env: NodeJS.ProcessEnv = {}) {
  const ran = spawnSync(process.execPath, [BIN, 'check-runner', ...args], { encoding: 'utf8', env: { ...process.env, ...env, NO_COLOR: '1' } });
  const lines = ran.stdout.split('\n').filter((l) => /^(PASS|FAIL|SKIP) /.test(l));
  const checks = Object.fromEntries(lines.map((l) => [/^\S+ ([^:]+):/.exec(l)![1], l]));
  const status = Object.fromEntries(Object.entries(checks).map(([name, line]) => [name, line.split(' ')[0]]));
  return { code: ran.status, stdout: ran.stdout, stderr: ran.stderr, checks, status };
}

const ALL = ['lifecycle', 'load failures', 'throwing routes', 'isolation', 'verified hosts', 'exit attribution', 'no leftover processes'];

it('the runner kit example (examples/runners/node-strict.mjs) passes every check, and skips verified hosts, having none', () => {
  const ran = checkRunner([NODE_STRICT]);
  expect(ran.code, ran.stdout + ran.stderr).toBe(0);
  expect(ran.status).toEqual(Object.fromEntries(ALL.map((name) => [name, name === 'verified hosts' ? 'SKIP' : 'PASS'])));
  expect(ran.checks['verified hosts']).toContain('the runner offers no warm hosts (Runner.verified)');
  expect(ran.checks['exit attribution']).toContain('with exit code 7');
  expect(ran.checks.lifecycle).toMatch(/listening: 127\.0\.0\.1:\d+ \(pid \d+\)/);
  expect(ran.stdout).toContain('edgecompat check-runner: 6 of 6 checks passed, 1 skipped');
});

describe('verified hosts', () => {
  it('a plug-in whose warm hosts prove themselves clean, and find what a route left, passes every check', () => {
    const ran = checkRunner([join(FIXTURES, 'warm-node.mjs')]);
    expect(ran.code, ran.stdout + ran.stderr).toBe(0);
    expect(ran.status).toEqual(Object.fromEntries(ALL.map((name) => [name, 'PASS'])));
    const line = ran.checks['verified hosts'];
    expect(line).toContain('blind to code-from-strings, node-builtins; a clean route: no change');
    expect(line).toContain('a route that sets a global at load: 1 change(s), first "globalThis.__edgecompatLeftBehind: was absent');
    expect(line).toContain('a route that swaps a method of Response.prototype when asked: 1 change(s), first "globalThis.Response.prototype.formData: was');
    expect(ran.stdout).toContain('edgecompat check-runner: 7 of 7 checks passed');
  });

  it('a proof that always finds the host as it started fails: it missed the changes', () => {
    const ran = checkRunner([join(FIXTURES, 'broken-proofs.mjs'), '--target', 'blind-proof']);
    expect(ran.code, ran.stdout + ran.stderr).toBe(1);
    expect(ran.status).toEqual(Object.fromEntries(ALL.map((name) => [name, name === 'verified hosts' ? 'FAIL' : 'PASS'])));
    expect(ran.checks['verified hosts']).toBe('FAIL verified hosts: the proof missed a change: after a route that sets a global at load it found the host as it started; the proof missed a change: after a route that swaps a method of Response.prototype when asked it found the host as it started');
  });

  it('a warm host that dies when asked for a proof fails, named with its exit', () => {
    const ran = checkRunner([join(FIXTURES, 'broken-proofs.mjs'), '--target', 'proof-exits']);
    expect(ran.code, ran.stdout + ran.stderr).toBe(1);
    expect(ran.status['verified hosts']).toBe('FAIL');
    expect(ran.checks['verified hosts']).toMatch(/^FAIL verified hosts: a clean route: .*exited \((exit )?code 3/);
    expect(ran.status['no leftover processes']).toBe('PASS');
  });
});

it('the README example fails isolation and exit attribution, as a runner that hosts routes in edgecompat\'s own process must', () => {
  // Its routes share edgecompat's global scope, so a global one route sets is seen by the others; and
  // a route that ends its process would end edgecompat itself, so no exit can be attributed.
  const example = /```js\n(\/\/ my-runner\.mjs[\s\S]*?)```/.exec(readFileSync(README, 'utf8'))![1];
  const plugin = join(dir, 'my-runner.mjs');
  writeFileSync(plugin, example);
  const ran = checkRunner([plugin, '--target', 'in-process']);
  expect(ran.code, ran.stdout + ran.stderr).toBe(1);
  expect(ran.status).toEqual({ lifecycle: 'PASS', 'load failures': 'PASS', 'throwing routes': 'PASS', isolation: 'FAIL', 'verified hosts': 'SKIP', 'exit attribution': 'FAIL', 'no leftover processes': 'PASS' });
  expect(ran.checks.isolation).toContain('the routes share a global scope');
  expect(ran.checks['exit attribution']).toContain("serves routes from edgecompat's own process");
  expect(ran.checks.lifecycle).toContain('edgecompat itself');
});

it('a runner whose exited() never resolves when its process dies fails exit attribution', () => {
  const ran = checkRunner([join(FIXTURES, 'exit-never-resolves.mjs')]);
  expect(ran.code, ran.stdout + ran.stderr).toBe(1);
  expect(ran.status['exit attribution']).toBe('FAIL');
  expect(ran.checks['exit attribution']).toContain('exited() did not resolve within 5000 ms after the route ended its process');
  expect(ran.status.lifecycle).toBe('PASS');
});

describe('a runner whose stop() leaves a child process alive', () => {
  const pidFile = join(dir, 'leftover-pids');
  afterAll(() => {
    // The test ends what the broken runner left behind.
    if (!existsSync(pidFile)) return;
    for (const pid of readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });

  it('fails the leftover check, naming each process', () => {
    const ran = checkRunner([join(FIXTURES, 'leaves-a-child.mjs')], { EDGECOMPAT_TEST_LEFTOVER_PIDS: pidFile });
    expect(ran.code, ran.stdout + ran.stderr).toBe(1);
    expect(ran.status['no leftover processes']).toBe('FAIL');
    const left = readFileSync(pidFile, 'utf8').split('\n').filter(Boolean);
    expect(left.length).toBeGreaterThan(0);
    for (const pid of left) expect(ran.checks['no leftover processes']).toContain(`pid ${pid} (sleep 600) still runs after stop()`);
    expect(ran.status.lifecycle).toBe('PASS');
  });
});

it('bad input exits 2 naming it: no such file, not a runner, no such column', () => {
  const missing = checkRunner([join(dir, 'nope.mjs')]);
  expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('nope.mjs: no such runner module')]);
  const notRunner = join(dir, 'not-a-runner.mjs');
  writeFileSync(notRunner, 'export default { name: "x" }\n');
  const bad = checkRunner([notRunner]);
  expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('not a runner module: its default export needs a create(settings, ctx) function')]);
  const column = checkRunner([NODE_STRICT, '--target', 'elsewhere']);
  expect([column.code, column.stderr]).toEqual([2, expect.stringContaining('offers no column "elsewhere"; it offers node-strict')]);
  expect(bad.checks).toEqual({});
});

it('--help names the argument, the option and the checks', () => {
  const help = spawnSync(process.execPath, [BIN, 'check-runner', '--help'], { encoding: 'utf8' });
  expect(help.status).toBe(0);
  expect(help.stdout).toContain('Usage: edgecompat check-runner [options] <module>');
  expect(help.stdout).toContain('--target <column>');
  for (const name of ALL) expect(help.stdout.replace(/\s+/g, ' ')).toContain(name);
});

describe('reading /proc', () => {
  it('parses a stat line whose command name holds spaces and parentheses', () => {
    expect(parseStat('4242 (node (my) host) S 4000 4242 4242 0 -1 4194560 ...')).toEqual({ pid: 4242, state: 'S', ppid: 4000, pgrp: 4242 });
    expect(parseStat('17 (sleep) Z 4242 17 17')).toEqual({ pid: 17, state: 'Z', ppid: 4242, pgrp: 17 });
  });

  it('parses the tcp tables: IPv4, IPv4-mapped and IPv6 addresses, ports, listening state', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0000000000000000 100 0 0 10 0',
      '   1: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1 0000000000000000 100 0 0 10 0',
      '   2: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 333 1 0000000000000000 20 4 30 10 -1',
    ].join('\n');
    expect(parseTcpTable(tcp)).toEqual([
      { address: '127.0.0.1', port: 8080, inode: '111', listening: true },
      { address: '0.0.0.0', port: 80, inode: '222', listening: true },
      { address: '127.0.0.1', port: 8080, inode: '333', listening: false },
    ]);
    expect(decodeAddress('0000000000000000FFFF00000100007F')).toBe('::ffff:127.0.0.1');
    expect(decodeAddress('00000000000000000000000001000000')).toBe('::1');
    expect(decodeAddress('00000000000000000000000000000000')).toBe('::');
  });

  it('finds every descendant of a pid, not its siblings', () => {
    const table = [{ pid: 2, ppid: 1 }, { pid: 3, ppid: 2 }, { pid: 4, ppid: 3 }, { pid: 5, ppid: 1 }, { pid: 6, ppid: 2 }].map((p) => ({ ...p, pgrp: p.pid, state: 'S' }));
    expect(descendantsOf(2, table).sort()).toEqual([3, 4, 6]);
    expect(descendantsOf(4, table)).toEqual([]);
  });
});

describe('the verdicts', () => {
  it('a route URL must be on 127.0.0.1 at a port a process of edgecompat listens on, and every listener on 127.0.0.1', () => {
    const urls = new Map([['a', 'http://127.0.0.1:4000'], ['b', 'http://localhost:4001'], ['c', 'http://127.0.0.1:4002']]);
    const listeners = [{ pid: 10, address: '127.0.0.1', port: 4000 }, { pid: 11, address: '0.0.0.0', port: 4002 }, { pid: 12, address: '::ffff:127.0.0.1', port: 4003 }];
    expect(listenerProblems(urls, listeners, (pid) => `runtime-${pid}`)).toEqual([
      'the URL of b is http://localhost:4001, not http://127.0.0.1:<port>',
      "no process of edgecompat's (itself or one it started) listens on 127.0.0.1:4002, the port of c",
      'pid 11 (runtime-11) listens on 0.0.0.0:4002, not on 127.0.0.1',
    ]);
    expect(listenerProblems(new Map([['a', 'http://127.0.0.1:4000']]), listeners.slice(0, 1))).toEqual([]);
  });

  const result = (caseId: string, status: Result['status'], step: Result['observation']['steps'][number] = {}, message = ''): Result =>
    ({ caseId, target: 't', status, expected: 'PASS', message, durationMs: 1, observation: { steps: [step], ...(status === 'CRASH' ? { crashed: { exitCode: 1, signal: null } } : {}) } });

  it('a throwing route must get an HTTP answer and not take its target down; only a body stream error may end it', () => {
    const throwing = { 'sync throw': 'sync', 'stream error': 'stream' };
    const answered = new Map([['sync', result('sync', 'PASS', { status: 500 })], ['stream', result('stream', 'PASS', { status: 200, error: { name: 'Error', message: 'x' } })], ['after', result('after', 'PASS', { status: 200 })]]);
    expect(throwingProblems(answered, throwing, 'after', [], ['stream error'])).toEqual([]);
    const crashed = new Map([...answered, ['sync', result('sync', 'CRASH', {}, 'the target process died')], ['stream', result('stream', 'CRASH')]]);
    expect(throwingProblems(crashed, throwing, 'after', [], ['stream error'])).toEqual(['sync throw: CRASH: the target process died']);
    const unanswered = new Map([...answered, ['sync', result('sync', 'FAIL', { error: { name: 'ECONNRESET', message: 'socket hang up' } })], ['after', result('after', 'FAIL', {}, 'connection refused')]]);
    expect(throwingProblems(unanswered, throwing, 'after', ['Error: boom'], ['stream error'])).toEqual([
      'sync throw: no HTTP answer (ECONNRESET: socket hang up)',
      'the route run after them: FAIL: connection refused',
      "edgecompat's own process got an uncaught error (a run would have died): Error: boom",
    ]);
  });

  it('a route that throws at load must be in the failures of its start, not a start() that throws', () => {
    const keys = { throws: 'bad', loads: 'good' };
    const ids = { throws: 'x/bad', loads: 'x/good' };
    const results = new Map([['x/good', result('x/good', 'PASS', { status: 200 })]]);
    const listed = { keys: ['good', 'bad'], loaded: { urls: new Map([['good', 'http://127.0.0.1:1']]), failures: new Map([['bad', { name: 'Error', message: 'edgecompat: thrown at load', phase: 'load' as const }]]) } };
    expect(loadFailureProblems([listed], results, keys, ids)).toEqual([]);
    expect(loadFailureProblems([{ keys: ['good', 'bad'], error: 'boom' }, { keys: ['good'], loaded: listed.loaded }], results, keys, ids)).toEqual(['start() threw instead of listing the route that throws at load in failures: boom']);
    const lost = { ...listed, loaded: { ...listed.loaded, urls: new Map() } };
    expect(loadFailureProblems([lost], results, keys, ids)).toEqual(['good, of the same start, was not served']);
  });

  it('Runner.verified must say what its proof reads, name only known hazards, and open hosts', () => {
    const known = ['timers', 'files'];
    expect(verifiedHostingProblems({ proves: 'globalThis', blindTo: ['timers'], open: () => {} }, known)).toEqual([]);
    expect(verifiedHostingProblems({ proves: ' ', blindTo: ['timers', 'clocks'], open: 'later' }, known)).toEqual([
      'verified.proves is not a non-empty string (what the proof reads, in words, for the report)',
      'verified.blindTo names "clocks", not a hazard (timers, files)',
      'verified.open is not a function',
    ]);
    expect(verifiedHostingProblems({ proves: 'x', blindTo: 'timers', open: () => {} }, known)).toEqual(['verified.blindTo is not a list of hazards (timers, files)']);
    expect(verifiedHostingProblems(true, known)).toEqual(['verified is not an object']);
  });

  it('a warm host must find nothing after a clean route and a change after one that leaves one; a step that failed says why', () => {
    const clean = { route: 'a clean route', leaves: 'nothing' as const };
    const dirty = { route: 'a dirty route', leaves: 'a change' as const };
    expect(warmStepProblems([{ ...clean, changes: [] }, { ...dirty, changes: ['globalThis.x: was absent'] }])).toEqual([]);
    expect(warmStepProblems([{ ...clean, changes: ['a', 'b', 'c', 'd'] }, { ...dirty, changes: [] }])).toEqual([
      'the proof after a clean route found changes, though the route changes nothing: a; b; c',
      'the proof missed a change: after a dirty route it found the host as it started',
    ]);
    expect(warmStepProblems([{ ...clean, error: 'the warm host exited (exit code 3)' }, dirty])).toEqual(['a clean route: the warm host exited (exit code 3)', 'a dirty route: no proof']);
  });

  it('every process still running after stop() is a problem', () => {
    expect(leftoverProblems([])).toEqual([]);
    expect(leftoverProblems([{ pid: 7, command: 'sleep 600' }])).toEqual(['pid 7 (sleep 600) still runs after stop()']);
  });
});

/**
 * workerd's config text and its start-error reader, tested as pure functions: nothing is spawned.
 */
import { describe, expect, it } from 'vitest';
import { capnpString, renderWorkerdConfig, type WorkerSpec } from '../runners/workerd/config.ts';
import { errorName, parseStartErrors } from '../runners/workerd/load-errors.ts';

const worker = (name: string, extra: Partial<WorkerSpec> = {}): WorkerSpec => ({
  name,
  modules: [{ name: `${name}.mjs`, path: `${name}.mjs` }],
  compatibilityDate: '2024-09-23',
  ...extra,
});

describe('capnpString', () => {
  it('quotes plain text', () => {
    expect(capnpString('k1.mjs')).toBe('"k1.mjs"');
  });
  it('escapes quotes, backslashes and control characters', () => {
    expect(capnpString('a"b\\c\nd\te\x7f')).toBe('"a\\"b\\\\c\\x0ad\\x09e\\x7f"');
  });
  it('keeps non-ASCII text as UTF-8', () => {
    expect(capnpString('é-路由')).toBe('"é-路由"');
  });
  it('refuses NUL', () => {
    expect(() => capnpString('a\0b')).toThrow(/NUL/);
  });
});

describe('renderWorkerdConfig', () => {
  const text = renderWorkerdConfig({
    workers: [
      worker('k1', { compatibilityFlags: ['nodejs_compat', 'streams_enable_constructors'] }),
      worker('k2', { modules: [{ name: 'edgecompat-entry.mjs', path: 'k2.entry.mjs' }, { name: 'k2.mjs', path: 'k2.mjs' }] }),
    ],
    sockets: [
      { name: 'k1', service: 'k1' },
      { name: 'k2', service: 'k2' },
    ],
  });

  it('imports the workerd schema and declares the config constant', () => {
    expect(text).toContain('using Workerd = import "/workerd/workerd.capnp";');
    expect(text).toContain('const config :Workerd.Config = (');
  });
  it('holds one worker and one socket per route', () => {
    expect(text).toContain('(name = "k1", worker = (');
    expect(text).toContain('(name = "k2", worker = (');
    expect(text).toContain('(name = "k1", address = "127.0.0.1:0", http = (), service = "k1")');
    expect(text).toContain('(name = "k2", address = "127.0.0.1:0", http = (), service = "k2")');
  });
  it('embeds the modules in order, the entry first', () => {
    expect(text).toContain('(name = "k1.mjs", esModule = embed "k1.mjs")');
    const entry = text.indexOf('esModule = embed "k2.entry.mjs"');
    const route = text.indexOf('esModule = embed "k2.mjs"');
    expect(entry).toBeGreaterThan(0);
    expect(route).toBeGreaterThan(entry);
  });
  it('sets the date and lists the flags', () => {
    expect(text.match(/compatibilityDate = "2024-09-23"/g)).toHaveLength(2);
    expect(text).toMatch(/compatibilityFlags = \[\s*"nodejs_compat",\s*"streams_enable_constructors"\s*\]/);
    expect(text).toContain('compatibilityFlags = []');
  });
  it('turns on structured logging unless told not to', () => {
    expect(text).toContain('logging = (structuredLogging = true)');
    const plain = renderWorkerdConfig({ workers: [worker('a')], sockets: [], structuredLogging: false });
    expect(plain).toContain('structuredLogging = false');
  });
  it('keeps its syntax whatever the names hold', () => {
    const odd = 'x" ), services = [ ("\\';
    const out = renderWorkerdConfig({
      workers: [worker('w', { modules: [{ name: odd, path: `${odd}\n.mjs` }], compatibilityFlags: [odd] })],
      sockets: [{ name: odd, service: 'w', address: '127.0.0.1:0' }],
    });
    expect(out).toContain(`(name = "x\\" ), services = [ (\\"\\\\", esModule = embed "x\\" ), services = [ (\\"\\\\\\x0a.mjs")`);
    // Outside string literals only the generated structure remains.
    const skeleton = out.replace(/"(?:[^"\\]|\\.)*"/g, 'S');
    expect(skeleton).not.toContain('services = [ (');
    expect(skeleton.match(/services =/g)).toHaveLength(1);
  });
  it('takes a socket address', () => {
    const out = renderWorkerdConfig({ workers: [worker('a')], sockets: [{ name: 'a', service: 'a', address: '127.0.0.1:8787' }] });
    expect(out).toContain('address = "127.0.0.1:8787"');
  });
  it('refuses duplicate names, unknown services and workers without modules', () => {
    expect(() => renderWorkerdConfig({ workers: [worker('a'), worker('a')], sockets: [] })).toThrow(/duplicate worker/);
    expect(() => renderWorkerdConfig({ workers: [worker('a')], sockets: [{ name: 's', service: 'b' }] })).toThrow(/unknown worker/);
    expect(() => renderWorkerdConfig({ workers: [worker('a', { modules: [] })], sockets: [] })).toThrow(/no modules/);
  });
});

/** stderr of a real failed start (workerd 1.20261117.1, structured logging), shortened. */
const line = (level: string, message: string) => JSON.stringify({ timestamp: '1', level, source: 'entry.rs:170', message });

describe('parseStartErrors', () => {
  it('sorts every failing worker of one output, multi-line messages included', () => {
    const stderr = [
      line('error', 'service k1: Uncaught SyntaxError: Unexpected end of input\n  at k1.mjs:1:16'),
      line('error', 'service k10: Uncaught Error: multi\nline\n  at k10.mjs:3:7'),
      line('warn', 'service k2: The compatibility flag nodejs_compat became the default as of 2026-08-04'),
      line('error', 'service k3: Uncaught Error: No such module "node:fs".\n  imported from "k3.mjs"'),
      '',
    ].join('\n');
    const errors = parseStartErrors(stderr, ['k1', 'k10', 'k2', 'k3']);
    expect([...errors.byWorker.keys()]).toEqual(['k1', 'k10', 'k3']);
    expect(errors.byWorker.get('k10')).toEqual(['Uncaught Error: multi\nline\n  at k10.mjs:3:7']);
    expect(errors.settings).toEqual([]);
    expect(errors.other).toEqual([]);
  });
  it('tells settings errors from route errors', () => {
    const date = 'This Worker requires compatibility date "2099-01-01", but the newest date supported by this server binary is "2026-11-24".';
    const stderr = [line('error', `service a: ${date}`), line('error', `service b: ${date}`), line('error', 'service b: No such compatibility flag: bogus')].join('\n');
    const errors = parseStartErrors(stderr, ['a', 'b']);
    expect(errors.byWorker.size).toBe(0);
    expect(errors.settings).toEqual([date, 'No such compatibility flag: bogus']);
  });
  it('keeps lines that name no known worker', () => {
    const errors = parseStartErrors('workerd.capnp:15:43-58: Couldn\'t read file for embed: x.mjs\n' + line('error', 'service other: x'), ['a']);
    expect(errors.other).toEqual(["workerd.capnp:15:43-58: Couldn't read file for embed: x.mjs", 'service other: x']);
  });
});

describe('errorName', () => {
  it('reads the JavaScript error name', () => {
    expect(errorName('Uncaught SyntaxError: Unexpected end of input')).toBe('SyntaxError');
    expect(errorName('Uncaught (in promise) TypeError: x')).toBe('TypeError');
    expect(errorName('Uncaught Error: boom')).toBe('Error');
    expect(errorName('something else')).toBe('Error');
  });
});

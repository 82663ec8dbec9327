/**
 * The runner kit (runners/kit/): the control channel protocol's parser, a target's ready wait with
 * its timeout and its death before ready, the fd-3 transport spoken by a shell script and by the
 * host helper in Deno and Bun, settings schemas, the interface version, and the published module.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../schemas/input-error.ts';
import { findBinary } from '../runners/host/binaries.ts';
import { ControlLineReader, readyToLoaded, type ParsedMessage } from '../runners/kit/control-protocol.ts';
import * as kit from '../runners/kit/index.ts';
import { defineRunner, LoadFault, RUNNER_INTERFACE_VERSION, spawnControlled, writeHostEntry, type RouteModule } from '../runners/kit/index.ts';
import { loadPlugins } from '../runners/plugins.ts';

const BIN = new URL('../cli/bin.mjs', import.meta.url).pathname;
const KIT_MJS = new URL('../api/runner-kit.mjs', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'edgecompat-kit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Feeds chunks to a reader for a start of `keys` and returns what it delivered. */
function read(chunks: Array<string | Buffer>, keys = ['k1', 'k2'], end = false) {
  const seen: Array<{ parsed: ParsedMessage; line: number }> = [];
  const reader = new ControlLineReader(new Set(keys), (parsed, line) => seen.push({ parsed, line: line.number }));
  for (const chunk of chunks) reader.push(chunk);
  if (end) reader.end();
  return seen;
}

const READY = { type: 'ready', routes: { k1: { port: 4000 } }, failures: { k2: { name: 'Error', message: 'no' } } };

describe('the control channel protocol', () => {
  it('delivers each line once its newline arrives, joining lines and UTF-8 split across chunks', () => {
    const line = Buffer.from(`${JSON.stringify({ ...READY, failures: { k2: { name: 'Error', message: 'déjà vu' } } })}\n`);
    const cut = line.indexOf(Buffer.from('é')) + 1; // in the middle of the two bytes of "é"
    const seen = read(['{"type":"loa', 'ding","key":"k1"}\n\n  \n', line.subarray(0, cut), line.subarray(cut)]);
    expect(seen.map((s) => s.line)).toEqual([1, 4]);
    expect(seen[0].parsed).toEqual({ message: { type: 'loading', key: 'k1' } });
    expect(seen[1].parsed).toEqual({ message: { type: 'ready', routes: { k1: { port: 4000 } }, failures: { k2: { name: 'Error', message: 'déjà vu' } } } });
  });

  it('takes a CRLF line end, and ignores an unknown type', () => {
    const seen = read([`${JSON.stringify({ type: 'progress', key: 'k1' })}\r\n`, `${JSON.stringify({ type: 'loading', key: 'k2' })}\r\n`]);
    expect(seen.map((s) => s.parsed)).toEqual([{ ignored: 'unknown type "progress"' }, { message: { type: 'loading', key: 'k2' } }]);
  });

  it.each([
    ['not json', 'not JSON'],
    ['[1, 2]', 'not a JSON object'],
    ['{"key":"k1"}', 'no string "type"'],
    ['{"type":"loading"}', '"loading" needs a string "key"'],
    ['{"type":"loading","key":"k9"}', '"loading" names "k9", not a route of this start'],
    ['{"type":"ready","routes":{"k1":{"port":4000}},"failures":{}}', '"ready" says nothing of k2'],
    ['{"type":"ready","routes":{"k1":{"port":70000},"k2":{"port":1}},"failures":{}}', 'route k1 needs a "port" from 1 to 65535'],
    ['{"type":"ready","routes":{"k1":{"port":"4000"},"k2":{"port":1}},"failures":{}}', 'route k1 needs a "port" from 1 to 65535'],
    ['{"type":"ready","routes":{"k1":{"port":1,"path":"x"},"k2":{"port":2}},"failures":{}}', 'route k1 has a "path" that does not begin with "/"'],
    ['{"type":"ready","routes":{"k1":{"port":1},"k2":{"port":2}},"failures":{"k1":{"name":"E","message":"m"}}}', 'lists k1 both as served and as failed'],
    ['{"type":"ready","routes":{"k1":{"port":1}},"failures":{"k2":{"message":"m"}}}', 'the failure of k2 needs a string "name" and "message"'],
    ['{"type":"ready","routes":{"k1":{"port":1},"k2":{"port":2},"k3":{"port":3}},"failures":{}}', '"ready" serves "k3", not a route of this start'],
    ['{"type":"ready","failures":{}}', '"ready" needs an object "routes"'],
  ])('a malformed line is an error naming what is wrong: %s', (line, error) => {
    const [seen] = read([`${line}\n`]);
    expect('error' in seen.parsed && seen.parsed.error).toContain(error);
  });

  it('a last line without its newline, and a line longer than the limit, are malformed', () => {
    expect(read(['{"type":"loading","key":"k1"}'], ['k1'], true).map((s) => s.parsed)).toEqual([{ error: 'the channel closed in the middle of a line (no "\\n")' }]);
    expect(read(['{"type":"loading","key":"k1"}\n'], ['k1'], true)).toHaveLength(1);
    const [long] = read(['x'.repeat(kit.MAX_CONTROL_LINE + 1)]);
    expect(long.parsed).toEqual({ error: `a line longer than ${kit.MAX_CONTROL_LINE} characters` });
  });

  it('turns ready into Loaded: a base URL on 127.0.0.1 per route (with its path), the failures in the load phase', () => {
    const loaded = readyToLoaded({ type: 'ready', routes: { k1: { port: 4000 }, k3: { port: 4001, path: '/api/k3/' } }, failures: { k2: { name: 'SyntaxError', message: '\u001b[31mbad\u001b[0m' } } });
    expect([...loaded.urls]).toEqual([['k1', 'http://127.0.0.1:4000'], ['k3', 'http://127.0.0.1:4001/api/k3']]);
    expect([...loaded.failures]).toEqual([['k2', { name: 'SyntaxError', message: 'bad', phase: 'load' }]]);
  });
});

const route = (key: string, source = 'export default () => new Response("hi from " + (globalThis.Deno ? "deno" : globalThis.Bun ? "bun" : "node"));'): RouteModule => ({ caseId: `kit/${key}`, key, source });

/** Spawns `node -e script` as a controlled target. */
function nodeTarget(script: string) {
  return spawnControlled(process.execPath, ['-e', script], { cwd: dir, env: process.env });
}

function isAlive(pid: number | undefined): boolean {
  try {
    process.kill(pid!, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a controlled target', () => {
  it('that says nothing is stopped after the ready timeout, with its output in the error', async () => {
    const target = nodeTarget('console.error("hello from a silent target"); setInterval(() => {}, 1000);');
    const error = await target.ready([route('k1')], { timeoutMs: 300 }).catch((e: Error) => e);
    expect((error as Error).message).toContain('did not start loading its routes within 300 ms');
    expect((error as Error).message).toContain('hello from a silent target');
    expect(isAlive(target.pid)).toBe(false);
  });

  it('that dies before ready gives its exit code and output tail', async () => {
    const target = nodeTarget('console.error("the last words"); process.exit(3);');
    const error = await target.ready([route('k1')]).catch((e: Error) => e);
    expect(error).not.toBeInstanceOf(LoadFault);
    expect((error as Error).message).toMatch(/exited before its routes were ready \(code 3, signal null\):\n.*the last words/);
  });

  it('that dies while loading a route names that route in a LoadFault with the exit', async () => {
    const target = nodeTarget('require("fs").writeSync(3, JSON.stringify({ type: "loading", key: "k2" }) + "\\n"); setTimeout(() => process.exit(9), 50);');
    const error = (await target.ready([route('k1'), route('k2')]).catch((e: Error) => e)) as LoadFault;
    expect(error).toBeInstanceOf(LoadFault);
    expect([error.key, error.fault, error.exit?.exitCode]).toEqual(['k2', 'exit', 9]);
  });

  it('that hangs while loading a route names it in a LoadFault after that route\'s own timeout', async () => {
    const target = nodeTarget('require("fs").writeSync(3, JSON.stringify({ type: "loading", key: "k1" }) + "\\n"); setInterval(() => {}, 1000);');
    const error = (await target.ready([{ ...route('k1'), loadTimeoutMs: 200 }]).catch((e: Error) => e)) as LoadFault;
    expect([error.key, error.fault, error.afterMs]).toEqual(['k1', 'timeout', 200]);
    expect(isAlive(target.pid)).toBe(false);
  });

  it('that writes a malformed line fails with the line, and is stopped', async () => {
    const target = nodeTarget('require("fs").writeSync(3, "ready!\\n"); setInterval(() => {}, 1000);');
    const error = await target.ready([route('k1')]).catch((e: Error) => e);
    expect((error as Error).message).toContain('sent a malformed control message (control line 1: "ready!"): not JSON');
    expect(isAlive(target.pid)).toBe(false);
  });

  it('that closes fd 3 before ready and stays up fails without waiting for the timeout', async () => {
    const target = nodeTarget('require("fs").closeSync(3); setInterval(() => {}, 1000);');
    const error = await target.ready([route('k1')], { timeoutMs: 60_000 }).catch((e: Error) => e);
    expect((error as Error).message).toContain('closed its control channel (fd 3) before it was ready');
    expect(isAlive(target.pid)).toBe(false);
  });

  it('may be any program that writes to fd 3: a shell script; exited() reports its end, not a stop()', async () => {
    const ready = JSON.stringify({ type: 'ready', routes: {}, failures: { k1: { name: 'ShellError', message: 'sh serves nothing' } } });
    const script = `printf '%s\\n' '{"type":"hello"}' '${ready}' >&3; echo 'the shell says goodbye' >&2; exit 4`;
    const target = spawnControlled('sh', ['-c', script], { cwd: dir, env: process.env });
    const loaded = await target.ready([route('k1')]);
    expect([...loaded.failures]).toEqual([['k1', { name: 'ShellError', message: 'sh serves nothing', phase: 'load' }]]);
    expect(await target.exited()).toEqual({ exitCode: 4, signal: null, stderrTail: 'the shell says goodbye' });
    const stopped = nodeTarget(`require("fs").writeSync(3, ${JSON.stringify(`${JSON.stringify({ type: 'ready', routes: {}, failures: { k1: { name: 'E', message: 'm' } } })}\n`)}); setInterval(() => {}, 1000);`);
    await stopped.ready([route('k1')]);
    let reported = false;
    void stopped.exited().then(() => (reported = true));
    await stopped.stop();
    await stopped.stop(); // idempotent
    await new Promise((r) => setTimeout(r, 100));
    expect(reported).toBe(false);
    expect(isAlive(stopped.pid)).toBe(false);
  });

  // The host helper (runners/kit/host.mjs) in each JavaScript runtime: a host script of a few lines,
  // handed the helper by the entry writeHostEntry writes.
  const HOSTS = {
    node: { command: process.execPath, args: (entry: string) => [entry], serve: 'async (mod) => { const { createServer } = await import("node:http"); return new Promise((resolve) => { const server = createServer(async (req, res) => { const r = await kit.handlerOf(mod)(new Request("http://x" + req.url)); res.end(await r.text()); }); server.listen(0, "127.0.0.1", () => resolve(server.address().port)); }); }' },
    deno: { command: 'deno', args: (entry: string) => ['run', '--no-prompt', '--allow-net=127.0.0.1:0', entry], serve: '(mod) => Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, kit.handlerOf(mod)).addr.port' },
    bun: { command: 'bun', args: (entry: string) => ['run', entry], serve: '(mod) => Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: kit.handlerOf(mod) }).port' },
  };
  it.each(Object.keys(HOSTS) as Array<keyof typeof HOSTS>)('hosts routes in %s through the host helper, a failing route alone refused', async (runtime) => {
    const spec = HOSTS[runtime];
    const binary = runtime === 'node' ? { path: spec.command } : findBinary(runtime);
    if ('missing' in binary) return; // the runtime is not installed here
    const work = mkdtempSync(join(dir, `${runtime}-`));
    const hostScript = join(work, 'host.mjs');
    writeFileSync(hostScript, `export async function host(loaders, options, kit) {\n  await kit.runHost(loaders, { serve: ${spec.serve} });\n}\n`);
    const routes = [route('good'), route('bad', 'throw new RangeError("bad at load");')];
    const entry = await writeHostEntry(work, routes, hostScript);
    const target = spawnControlled(binary.path, spec.args(entry), { cwd: work, env: process.env });
    try {
      const loaded = await target.ready(routes);
      expect(loaded.failures.get('bad')).toEqual({ name: 'RangeError', message: 'bad at load', phase: 'load' });
      const response = await fetch(loaded.urls.get('good')!);
      expect(await response.text()).toBe(`hi from ${runtime}`);
    } finally {
      await target.stop();
    }
    expect(isAlive(target.pid)).toBe(false);
  });
});

describe('plug-in modules', () => {
  const plugin = (name: string, body: string) => {
    const file = join(dir, `${name}.mjs`);
    writeFileSync(file, `export default { name: ${JSON.stringify(name)}, create() { throw new Error('not made in this test'); }, ${body} };\n`);
    return file;
  };
  const problems = async (file: string) => {
    const error = await loadPlugins([file]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems.map((p) => `${p.file}: ${p.message}`);
  };
  const SCHEMA = 'settingsSchema: { type: "object", properties: { port: { type: "integer" }, mode: { enum: ["a", "b"] }, flags: { type: "array", items: { type: "string" } } }, required: ["mode"], additionalProperties: false }';

  it('checks each column\'s settings against the settings schema, naming the file, the column and the setting', async () => {
    const file = plugin('schema-runner', `${SCHEMA}, targets: [{ name: 'fine', settings: { mode: 'a', sizeLimit: 'none' } }, { name: 'wrong', settings: { mode: 'c', port: 'x', flags: [1], extra: true } }]`);
    expect(await problems(file)).toEqual([
      `${file}: column "wrong": unknown setting "extra"`,
      `${file}: column "wrong": setting "port" must be integer`,
      `${file}: column "wrong": setting "mode" must be equal to one of the allowed values`,
      `${file}: column "wrong": setting "flags.0" must be string`,
    ]);
    const missing = plugin('schema-missing', `${SCHEMA}`);
    expect(await problems(missing)).toEqual([`${missing}: column "schema-missing": missing setting "mode"`]);
    const loaded = await loadPlugins([plugin('schema-ok', `${SCHEMA}, targets: [{ name: 'ok', settings: { mode: 'b', port: 3 } }]`)]);
    expect(loaded.targets.map((t) => t.name)).toEqual(['ok']);
    expect(() => loaded.checkColumn({ name: 'from-config', runner: 'schema-ok', settings: { mode: 'z' } })).toThrow('column "from-config": setting "mode" must be equal to one of the allowed values');
    const broken = plugin('schema-broken', 'settingsSchema: { type: "no-such-type" }');
    expect((await problems(broken))[0]).toContain('settingsSchema is not a valid JSON Schema');
  });

  it('refuses an interface version it does not know, saying which it supports; a module without one is version 1', async () => {
    const future = plugin('future-runner', 'interfaceVersion: 2');
    expect(await problems(future)).toEqual([`${future}: the runner "future-runner" is written for runner interface version 2; this edgecompat supports version 1 (see runners/README.md)`]);
    expect((await loadPlugins([plugin('plain-runner', '')])).targets.map((t) => t.name)).toEqual(['plain-runner']);
    expect((await loadPlugins([plugin('versioned-runner', `interfaceVersion: ${RUNNER_INTERFACE_VERSION}`)])).targets.map((t) => t.name)).toEqual(['versioned-runner']);
  });

  it('defineRunner returns the module shape plugins.ts loads, and refuses a malformed definition', () => {
    const create = () => ({}) as never;
    const defined = defineRunner({ name: 'x-y', interfaceVersion: RUNNER_INTERFACE_VERSION, settingsSchema: { type: 'object' }, create });
    expect(defined).toEqual({ name: 'x-y', interfaceVersion: 1, settingsSchema: { type: 'object' }, create });
    expect(Object.isFrozen(defined)).toBe(true);
    expect(() => defineRunner({ name: 'X', interfaceVersion: 1, create })).toThrow('"name" must be made of a-z, 0-9 and -');
    expect(() => defineRunner({ name: 'x', create } as never)).toThrow('"interfaceVersion" must be a number');
    expect(() => defineRunner({ name: 'x', interfaceVersion: 1 } as never)).toThrow('"create" must be a function');
  });

  it('a bad setting of a kit plug-in stops `run` with exit 2, nothing run', () => {
    const file = join(dir, 'kit-plugin.mjs');
    writeFileSync(file, `import { defineRunner, RUNNER_INTERFACE_VERSION } from ${JSON.stringify(KIT_MJS.href)};
export default defineRunner({ name: 'kit-plugin', interfaceVersion: RUNNER_INTERFACE_VERSION,
  settingsSchema: { type: 'object', properties: { execPath: { type: 'string' } }, additionalProperties: false },
  targets: [{ name: 'kit-plugin', settings: { execPath: 42 } }], create() { throw new Error('never made'); } });\n`);
    const ran = spawnSync(process.execPath, [BIN, 'run', '--runner', file, '--targets', 'kit-plugin', '--suite', new URL('./fixtures/suites/basics', import.meta.url).pathname, '--out', join(dir, 'out')], { encoding: 'utf8' });
    expect(ran.status, ran.stderr).toBe(2);
    expect(ran.stderr).toContain(`${file}: column "kit-plugin": setting "execPath" must be string`);
  });
});

it('edgecompat/runner-kit (api/runner-kit.mjs) exports exactly the values of runners/kit/index.ts', () => {
  const listed = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(KIT_MJS.href)}); console.log(JSON.stringify(Object.keys(m).sort()))`], { encoding: 'utf8' });
  expect(listed.status, listed.stderr).toBe(0);
  expect(JSON.parse(listed.stdout)).toEqual(Object.keys(kit).sort());
  expect(readFileSync(new URL('../api/runner-kit.ts', import.meta.url), 'utf8')).toContain("export * from '../runners/kit/index.ts';");
  expect(pathToFileURL(kit.NODE_HOST).href).toBe(new URL('../runners/node/host.mjs', import.meta.url).href);
});

/**
 * edgecompat.config: found in the working folder or named with --config, validated by its schema,
 * applied to run and list, overridden by flags; its own columns and profile files join the run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Report } from '../core/report/report-types.ts';

const BIN = new URL('../cli/bin.mjs', import.meta.url).pathname;
const SUITE = new URL('./fixtures/suites/basics', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'edgecompat-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function edgecompat(args: string[], cwd = dir) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' } });
}
const report = (out: string): Report => JSON.parse(readFileSync(join(dir, out, 'report.json'), 'utf8'));
const cells = (r: Report) => r.results.map((x) => `${x.target} ${x.caseId.split('/').pop()} ${x.status}`).sort();

const ACME = `platform: acme
title: Acme Edge
limits:
  codeSize:
    defaultPlan: tiny
    plans:
      tiny:
        value: { title: Tiny, bytes: 64, display: 64 bytes, compression: gzip }
        source: https://example.com/acme/limits
    counts:
      value: { what: The route's bundle., excludes: Nothing. }
      source: https://example.com/acme/limits
`;

describe('edgecompat.config', () => {
  it('is read from the working folder: suites, targets (named and its own), profiles, reporters and out, paths relative to it', () => {
    writeFileSync(join(dir, 'acme.yaml'), ACME);
    writeFileSync(join(dir, 'edgecompat.config.yaml'), [
      `suites: [${JSON.stringify(SUITE)}]`,
      'targets: [node, { name: node-acme, runner: node, settings: { sizeLimit: acme/tiny } }]',
      'profiles: [acme.yaml]',
      'reporters: [json, markdown]',
      'out: from-config',
      '',
    ].join('\n'));
    const ran = edgecompat(['run', '--filter', 'basics/basics/streamed', '--exit-zero']);
    expect(ran.status, ran.stderr).toBe(0);
    expect(ran.stderr).toContain('edgecompat: config edgecompat.config.yaml');
    const r = report('from-config');
    expect(cells(r)).toEqual(['node streamed PASS', 'node-acme streamed FAIL']);
    // The profile file of the config is what refuses the route on its own column.
    expect(r.results.find((x) => x.target === 'node-acme')!.message).toContain('over the Acme Edge Tiny limit of 64 bytes');
    expect(readFileSync(join(dir, 'from-config', 'summary.md'), 'utf8')).toContain('node-acme');
    // list shows the config's own column.
    const listed = edgecompat(['list', '--json']);
    expect(listed.status, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { cases: unknown[]; targets: { name: string }[] }).targets.map((t) => t.name)).toContain('node-acme');
  });

  it('gives way to flags given on the command line', () => {
    const ran = edgecompat(['run', '--filter', 'basics/basics/streamed', '--targets', 'node-acme', '--out', 'from-flags', '--reporter', 'json', '--exit-zero']);
    expect(ran.status, ran.stderr).toBe(0);
    expect(cells(report('from-flags'))).toEqual(['node-acme streamed FAIL']);
  });

  it('is taken from --config, from any folder', () => {
    const other = mkdtempSync(join(dir, 'elsewhere-'));
    const ran = edgecompat(['run', '--config', join(dir, 'edgecompat.config.yaml'), '--filter', 'basics/basics/eval', '--targets', 'node'], other);
    // eval works on node: the case (which expects a refusal) fails, so the gate exits 1.
    expect(ran.status, ran.stderr).toBe(1);
    expect(cells(report('from-config'))).toEqual(['node eval FAIL']);
  });

  it.each([
    ['an unknown field, at its line', 'suites: [x]\nreporterz: [json]\n', 'bad.yaml:2 /: unknown field "reporterz"'],
    ['a wrong type', 'suites: x\n', 'bad.yaml:1 /suites: must be array'],
    ['a column without a runner', 'targets: [{ name: mine }]\n', 'bad.yaml:1 /targets/0: missing field "runner"'],
    ['an unknown reporter', 'reporters: [pdf]\n', 'bad.yaml:1 /reporters/0: must be equal to one of the allowed values'],
    ['a target no column has, at its line', 'targets:\n  - node\n  - nodez\n', 'bad.yaml:3 /targets/1: unknown target "nodez"; known:'],
    ['a name listed twice', 'targets:\n  - bun\n  - node\n  - bun\n', 'bad.yaml:4 /targets/2: target "bun" is listed twice'],
    ['a target listed twice', 'targets: [node, { name: node, runner: node }]\n', 'bad.yaml:1 /targets/1: target "node" is listed twice'],
    ['YAML that does not parse', 'suites: [x\n', 'bad.yaml:2: invalid YAML'],
    ['a profile that clashes with a shipped one', 'profiles: [vercel-again.yaml]\n', 'vercel-again.yaml:1 /platform: platform "vercel" must be made of a-z, 0-9 and - and differ from the known profiles'],
  ])('refuses %s with exit 2, naming the file and the field', (_, text, message) => {
    writeFileSync(join(dir, 'vercel-again.yaml'), ACME.replace('platform: acme', 'platform: vercel'));
    writeFileSync(join(dir, 'bad.yaml'), text);
    const ran = edgecompat(['run', '--config', 'bad.yaml']);
    expect(ran.status).toBe(2);
    expect(ran.stderr).toContain(message);
    expect(ran.stderr).not.toMatch(/\n\s+at /);
  });

  it('lets a column of its own replace a built-in one of the same name, and refuses an unknown runner', () => {
    writeFileSync(join(dir, 'replace.yaml'), `suites: [${JSON.stringify(SUITE)}]\ntargets: [{ name: node, runner: node, settings: { sizeLimit: acme/tiny } }]\nprofiles: [acme.yaml]\nout: replaced\nreporters: [json]\n`);
    const ran = edgecompat(['run', '--config', 'replace.yaml', '--filter', 'basics/basics/streamed', '--exit-zero']);
    expect(ran.status, ran.stderr).toBe(0);
    expect(report('replaced').results.map((r) => [r.target, r.status])).toEqual([['node', 'FAIL']]);
    writeFileSync(join(dir, 'unknown-runner.yaml'), 'targets: [{ name: mine, runner: nope }]\n');
    const refused = edgecompat(['run', '--config', 'unknown-runner.yaml']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('unknown-runner.yaml /targets: column "mine" names the runner "nope", which is neither built in');
  });

  it('refuses a --config that does not exist', () => {
    const ran = edgecompat(['list', '--config', 'missing.yaml']);
    expect(ran.status).toBe(2);
    expect(ran.stderr).toContain('missing.yaml: no such config file');
  });
});

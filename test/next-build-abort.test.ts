/**
 * A Next.js build stops when the run is stopped: runNextBuild kills the build's whole process group
 * on the run's abort signal (Ctrl-C during the nextjs columns' prepare()). Shown with a stand-in
 * `next` that starts a worker and never ends, as a build's passes can take minutes.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runNextBuild } from '../runners/nextjs/build.ts';

const dir = mkdtempSync(join(tmpdir(), 'ec-next-abort-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Pids of live processes whose command line holds `marker`. */
function withMarker(marker: string): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
    } catch {
      return false;
    }
  }).map(Number);
}

describe('runNextBuild', () => {
  it('kills the build and its workers when the signal aborts, and says it did not succeed', async () => {
    const marker = `ec-fake-next-${process.pid}`;
    const next = join(dir, 'next');
    writeFileSync(next, `#!${process.execPath}\nrequire('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 60000)', '${marker}'], { stdio: 'ignore' });\nsetInterval(() => {}, 60000);\n`);
    chmodSync(next, 0o755);
    const controller = new AbortController();
    const building = runNextBuild(next, dir, { PATH: process.env.PATH }, 'turbopack', controller.signal);
    for (let waited = 0; withMarker(marker).length === 0 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(withMarker(marker)).toHaveLength(1);
    controller.abort();
    const outcome = await building;
    expect(outcome.ok).toBe(false);
    for (let waited = 0; withMarker(marker).length > 0 && waited < 5_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    expect(withMarker(marker)).toEqual([]);
  });
});

/**
 * What is running, read from Linux's /proc: for tests that check no target process outlives its run.
 */
import { readdir, readFile } from 'node:fs/promises';

/** Pids (other than this process) whose command line mentions `marker`. */
export async function pidsWith(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ');
    if (cmdline.includes(marker)) pids.push(Number(entry));
  }
  return pids;
}

/**
 * Pids whose command line mentions `marker` once they have had `withinMs` to go: for a check after a
 * process that stopped them exited (a target killed as its parent exits may take a moment to be
 * gone, longer on a loaded machine). Resolves as soon as none is left.
 */
export async function pidsLeftWith(marker: string, withinMs = 5000): Promise<number[]> {
  for (let waited = 0; ; waited += 100) {
    const left = await pidsWith(marker);
    if (left.length === 0 || waited >= withinMs) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

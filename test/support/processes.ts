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

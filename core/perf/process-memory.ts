/**
 * The memory of a target's processes, found from the port it serves on: the process listening on
 * that port (the kernel's socket tables in /proc/net/tcp and tcp6, and each process's fd links), then
 * every process of its process group (a target and what it spawned; edgecompat starts each target in
 * a group of its own), summed by resident set size (VmRSS). Linux only; elsewhere, or for a port
 * served from edgecompat's own process (a proxy), the reading says why there is none.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A memory reading: bytes and the processes counted, or why there is none. */
export type MemoryReading = { bytes: number; pids: number[] } | { unavailable: string };

/** The socket inodes listening on `port` (IPv4 and IPv6 tables). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      if (fields.length < 10 || fields[3] !== '0A') continue;
      if (Number.parseInt(fields[1].split(':')[1], 16) === port) inodes.add(fields[9]);
    }
  }
  return inodes;
}

function pids(): number[] {
  return readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
}

/** The pid holding one of these socket inodes, if any process we may read does. */
function holderOf(inodes: Set<string>): number | undefined {
  const wanted = new Set([...inodes].map((inode) => `socket:[${inode}]`));
  for (const pid of pids()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (wanted.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return pid;
      } catch {
        /* closed meanwhile */
      }
    }
  }
  return undefined;
}

/** The process group of a pid (field 5 of /proc/<pid>/stat, after the parenthesised name). */
function groupOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The resident memory of the process group serving `url` on 127.0.0.1. */
export function memoryOfUrl(url: string): MemoryReading {
  if (process.platform !== 'linux') return { unavailable: `memory is read from /proc, which ${process.platform} does not have` };
  const { hostname, port } = new URL(url);
  if (hostname !== '127.0.0.1' || !port) return { unavailable: `${url} is not a local target` };
  const holder = holderOf(listeningInodes(Number(port)));
  if (holder === undefined) return { unavailable: `no process found listening on port ${port}` };
  if (holder === process.pid) return { unavailable: "the port is served from edgecompat's own process (a proxy in front of the target)" };
  const group = groupOf(holder);
  const members = group === undefined ? [holder] : pids().filter((pid) => groupOf(pid) === group);
  if (group !== undefined && group === groupOf(process.pid)) return { unavailable: "the target runs in edgecompat's process group" };
  return { bytes: members.reduce((sum, pid) => sum + rssBytes(pid), 0), pids: members };
}

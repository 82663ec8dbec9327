/**
 * The memory of a target's processes, found from the port it serves on: the process listening on
 * that port (the kernel's socket tables in /proc/net/tcp and tcp6, and each process's fd links), then
 * every process of its process group (a target and what it spawned; edgecompat starts each target in
 * a group of its own), summed by resident set size (VmRSS). Linux only; elsewhere, or for a port
 * served from edgecompat's own process (a proxy), the reading says why there is none.
 */
import { readFileSync } from 'node:fs';
import { listenerOfPort, parseStat, processTable } from '../../runners/host/proc.ts';

/** A memory reading: bytes and the processes counted, or why there is none. */
export type MemoryReading = { bytes: number; pids: number[] } | { unavailable: string };

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
  const holder = listenerOfPort(Number(port));
  if (holder === undefined) return { unavailable: `no process found listening on port ${port}` };
  if (holder.pid === process.pid) return { unavailable: "the port is served from edgecompat's own process (a proxy in front of the target)" };
  if (holder.pgrp === ownGroup()) return { unavailable: "the target runs in edgecompat's process group" };
  const members = processTable().filter((p) => p.pgrp === holder.pgrp).map((p) => p.pid);
  return { bytes: members.reduce((sum, pid) => sum + rssBytes(pid), 0), pids: members };
}

function ownGroup(): number | undefined {
  return parseStat(readFileSync('/proc/self/stat', 'utf8'))?.pgrp;
}

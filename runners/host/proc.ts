/**
 * What runs and what listens, read from Linux's /proc: processes (pid, parent, group, state), the
 * processes edgecompat started (its descendants, by parent pid), and the TCP sockets processes
 * listen on (the kernel's tables in /proc/net/tcp and tcp6, matched to each process's socket fds by
 * inode). check-runner, run --perf's memory readings and the tests read processes through this one
 * module. The parsers are pure.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** One process as /proc/<pid>/stat gives it. */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** The process group. */
  pgrp: number;
  /** R, S, D, Z (zombie: dead, not yet reaped), T ... */
  state: string;
}

/** One TCP socket of the kernel's tables. */
export interface TcpSocket {
  /** The local address, dotted IPv4 or IPv6 ("::ffff:127.0.0.1" for an IPv4-mapped one). */
  address: string;
  port: number;
  inode: string;
  listening: boolean;
}

/** A listening socket and the process holding it. */
export interface Listener {
  pid: number;
  address: string;
  port: number;
}

/** Parses /proc/<pid>/stat: the fields after the parenthesised command name, which may hold spaces. */
export function parseStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number.parseInt(text, 10);
  const [state, ppid, pgrp] = text.slice(close + 2).split(' ');
  if (!Number.isInteger(pid) || !state || ppid === undefined) return undefined;
  return { pid, state, ppid: Number(ppid), pgrp: Number(pgrp) };
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux's common builds). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, ms) of the waited-for children of process `pid` ("self" by default): every
 * descendant that has ended and been reaped, down the tree, from /proc/<pid>/stat's cutime and cstime.
 */
export function childrenCpuMs(pid: number | 'self' = 'self'): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 0, cutime field 13 and cstime field 14 (proc(5): 16 and 17).
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** An address of /proc/net/tcp (8 hex digits) or tcp6 (32), each 32-bit word in the host's (little-endian) order. */
export function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/.{2}/g) ?? []).reverse().map((b) => Number.parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Parses /proc/net/tcp or tcp6. */
export function parseTcpTable(text: string): TcpSocket[] {
  const sockets: TcpSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const [address, port] = fields[1].split(':');
    sockets.push({ address: decodeAddress(address), port: Number.parseInt(port, 16), inode: fields[9], listening: fields[3] === '0A' });
  }
  return sockets;
}

/** The pids that descend from `root` in a process table (children, their children ...), root excluded. */
export function descendantsOf(root: number, table: ProcStat[]): number[] {
  const children = new Map<number, number[]>();
  for (const p of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (found.includes(pid)) continue;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Every process of /proc that can be read now. */
export function processTable(): ProcStat[] {
  const table: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseStat(readFileSync(`/proc/${entry}/stat`, 'utf8'));
      if (stat) table.push(stat);
    } catch {
      /* gone meanwhile */
    }
  }
  return table;
}

/** The live (not zombie) processes descending from `root` now. */
export function liveDescendants(root = process.pid): number[] {
  const table = processTable();
  const zombies = new Set(table.filter((p) => p.state === 'Z').map((p) => p.pid));
  return descendantsOf(root, table).filter((pid) => !zombies.has(pid));
}

/** Whether `pid` is running (it exists and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.state !== 'Z';
  } catch {
    return false;
  }
}

/** A process's command line, for messages (empty once it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** The inodes of the sockets a process holds open. */
export function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]);
    } catch {
      /* closed meanwhile */
    }
  }
  return inodes;
}

/** Every listening TCP socket of the kernel's tables (IPv4 and IPv6), by inode. */
export function listeningSockets(): Map<string, TcpSocket> {
  const byInode = new Map<string, TcpSocket>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const socket of parseTcpTable(readFileSync(table, 'utf8'))) if (socket.listening) byInode.set(socket.inode, socket);
    } catch {
      /* no IPv6 table */
    }
  }
  return byInode;
}

/** The TCP sockets these processes listen on, each with its holder. */
export function listenersOf(pids: number[]): Listener[] {
  const byInode = listeningSockets();
  const listeners: Listener[] = [];
  for (const pid of pids) {
    for (const inode of socketInodes(pid)) {
      const socket = byInode.get(inode);
      if (socket) listeners.push({ pid, address: socket.address, port: socket.port });
    }
  }
  return listeners;
}

/** The process listening on `port`, if any process that can be read holds such a socket. */
export function listenerOfPort(port: number): ProcStat | undefined {
  const inodes = new Set([...listeningSockets().values()].filter((s) => s.port === port).map((s) => s.inode));
  if (inodes.size === 0) return undefined;
  return processTable().find((p) => [...socketInodes(p.pid)].some((inode) => inodes.has(inode)));
}

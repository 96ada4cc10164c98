/**
 * Watches processes for network sockets at the OS level (Linux /proc): polls
 * /proc/<pid>/fd for `socket:[inode]` links and looks each new inode up in
 * the pid's /proc/<pid>/net tables. Unnamed Unix sockets (the parent<->child
 * IPC socketpair) are allowed; anything in tcp/tcp6/udp/udp6/raw/raw6, a
 * named Unix socket (a connection to some daemon), or a socket in no table
 * (netlink, packet) is a finding. Polling sees sockets that stay open at
 * least one interval; the self-check holds its socket open longer than that.
 */
import * as fs from 'fs';

export interface SocketFinding {
  pid: number;
  inode: string;
  kind: string;
}

const INET_TABLES = ['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6', 'udplite', 'udplite6'];

function inodesIn(pid: number, table: string, column: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length > column) out.set(cols[column], cols);
  }
  return out;
}

/** What a socket inode of `pid` is: 'unix-unnamed', 'unix:<path>', '<table> <local> -> <remote>' or 'unknown'. */
export function classifySocket(pid: number, inode: string): string {
  for (const t of INET_TABLES) {
    const row = inodesIn(pid, t, 9).get(inode);
    if (row) return `${t} ${row[1]} -> ${row[2]}`;
  }
  const unix = inodesIn(pid, 'unix', 6).get(inode);
  if (unix) return unix.length > 7 && unix[7] !== '' ? `unix:${unix[7]}` : 'unix-unnamed';
  return 'unknown';
}

export function socketInodes(pid: number): string[] {
  const out: string[] = [];
  let fds: string[];
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`);
  } catch {
    return out;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.push(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

export class SocketWatch {
  private readonly seen = new Map<string, SocketFinding>();
  private timer: NodeJS.Timeout | null = null;
  /** Polls done (a test can check the watch ran). */
  polls = 0;

  /** `pids` is asked on every poll (a child may start later); `ignore`: inodes present before. */
  constructor(private readonly pids: () => (number | null)[], private readonly ignore = new Set<string>()) {}

  static supported(): boolean {
    return process.platform === 'linux' && fs.existsSync(`/proc/${process.pid}/net/unix`);
  }

  start(intervalMs = 5): this {
    this.poll();
    this.timer = setInterval(() => this.poll(), intervalMs);
    return this;
  }

  poll(): void {
    this.polls++;
    for (const pid of this.pids()) {
      if (!pid) continue;
      for (const inode of socketInodes(pid)) {
        const key = `${pid}:${inode}`;
        if (this.ignore.has(inode) || this.seen.has(key)) continue;
        this.seen.set(key, { pid, inode, kind: classifySocket(pid, inode) });
      }
    }
  }

  /** Stops polling; returns every socket seen. */
  stop(): SocketFinding[] {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.poll();
    return [...this.seen.values()];
  }
}

/** The sockets that are not the allowed unnamed Unix kind. */
export function networkSockets(all: SocketFinding[]): SocketFinding[] {
  return all.filter((s) => s.kind !== 'unix-unnamed');
}

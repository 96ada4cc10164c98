/**
 * The peer's server process: llama.cpp's llama-server (built by
 * bench/peer/build-llama-server.sh), started with the flags llama.vscode's
 * README recommends for FIM on a CPU (-ub 1024 -b 1024 --cache-reuse 256),
 * the same context and threads as Hearth, on 127.0.0.1, one slot (Hearth's
 * pipeline has one completion session). Also reads the process's CPU time.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

export const PEER_DIR = path.resolve(__dirname, '..', '..', '.cache', 'peer');
export const LLAMA_SERVER_BIN = path.join(PEER_DIR, 'llama-server');

export interface ServerOptions {
  model: string;
  contextTokens: number;
  threads: number;
  /** Where the server's output goes. */
  logFile: string;
  binary?: string;
  /** Parallel slots (-np; default 1). The context is per slot: -c is contextTokens x slots, which llama-server divides among them. */
  slots?: number;
}

/** The command line, pure (the README shows it). */
export function serverArgs(o: ServerOptions, port: number): string[] {
  return [
    '-m', o.model,
    '--host', '127.0.0.1', '--port', String(port),
    '-c', String(o.contextTokens * (o.slots ?? 1)),
    '-t', String(o.threads), '-tb', String(o.threads),
    '-ub', '1024', '-b', '1024',
    '--cache-reuse', '256',
    // One slot by default: llama.vscode sends every FIM request to slot 0
    // (id_slot), and with one slot it has the whole context, as Hearth's one
    // session does. bench:serve asks for more.
    '-np', String(o.slots ?? 1),
  ];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const CLK_TCK = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in these ticks

/** utime + stime of a process from /proc/<pid>/stat, ms (10 ms resolution). */
export function procCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  return ((Number(rest[11]) + Number(rest[12])) * 1000) / CLK_TCK;
}

export class LlamaServer {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  port = 0;

  constructor(private readonly opts: ServerOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    if (!this.child?.pid) throw new Error('llama-server is not running');
    return this.child.pid;
  }

  cpuMs(): number {
    return procCpuMs(this.pid);
  }

  async start(timeoutMs = 120_000): Promise<void> {
    const bin = this.opts.binary ?? LLAMA_SERVER_BIN;
    if (!fs.existsSync(bin)) throw new Error(`no llama-server at ${bin}: run bash bench/peer/build-llama-server.sh (or pass --no-peer)`);
    this.port = await freePort();
    const log = fs.openSync(this.opts.logFile, 'w');
    const child = spawn(bin, serverArgs(this.opts, this.port), { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let exitCode: number | null = null;
    child.once('exit', (code) => {
      exitCode = code ?? -1;
    });
    const t0 = Date.now();
    for (;;) {
      if (exitCode !== null) throw new Error(`llama-server exited (${exitCode}) while starting; see ${this.opts.logFile}`);
      try {
        const r = await fetch(`${this.url}/health`);
        if (r.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() - t0 > timeoutMs) {
        await this.stop();
        throw new Error(`llama-server did not become healthy in ${timeoutMs} ms; see ${this.opts.logFile}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(killer);
    }
  }
}

/**
 * `hearth serve` as a benchmark peer: the CLI started as its own process
 * (the server, and under it the engine process), on a free port, stopped with
 * SIGTERM. Pairs with bench/peer/llama-server.ts's LlamaServer.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

export interface HearthServeOptions {
  model: string;
  contextTokens: number;
  threads: number;
  parallel: number;
  logFile: string;
}

export class HearthServer {
  private child: ChildProcess | null = null;
  url = '';

  constructor(private readonly opts: HearthServeOptions) {}

  async start(timeoutMs = 120_000): Promise<void> {
    const o = this.opts;
    const args = ['-r', 'tsx/cjs', path.join(ROOT, 'extension', 'cli', 'main.ts'), 'serve', o.model, '--port', '0',
      '--parallel', String(o.parallel), '--threads', String(o.threads), '--ctx', String(o.contextTokens)];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    const log = fs.createWriteStream(o.logFile);
    let err = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`hearth serve was not ready in ${timeoutMs} ms; see ${o.logFile}`)), timeoutMs);
      child.stderr?.on('data', (b: Buffer) => {
        log.write(b);
        err += b.toString();
        const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err)?.[1];
        if (port && /model ready/.test(err)) {
          clearTimeout(timer);
          this.url = `http://127.0.0.1:${port}`;
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`hearth serve exited (${code}) while starting; see ${o.logFile}`));
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  }
}

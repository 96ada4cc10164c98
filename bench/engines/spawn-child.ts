/** Runs one benchmark child (child.ts) in a fresh Node process and parses its answer. */
import { spawn } from 'child_process';
import * as path from 'path';
import { RESULT_PREFIX, type ChildRequest, type ChildResult } from './protocol';
import { runRawLlama } from './raw-llama';

const CHILD = path.join(__dirname, 'child.ts');

export function parseChildOutput(stdout: string): ChildResult | null {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith(RESULT_PREFIX));
  return line ? (JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildResult) : null;
}

export function runChild(req: ChildRequest, timeoutMs = 30 * 60_000): Promise<ChildResult> {
  if (req.engine === 'llama.cpp-raw') return runRawLlama(req, timeoutMs);
  return new Promise((resolve, reject) => {
    const env = { ...process.env, NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true' };
    const p = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(req)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      const res = parseChildOutput(out);
      if (code === 0 && res) resolve(res);
      else reject(new Error(`${req.engine} child (${req.mode}) failed: ${signal ?? `exit ${code}`}\n${err.slice(-2000)}`));
    });
  });
}

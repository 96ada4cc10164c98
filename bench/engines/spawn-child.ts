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

/** Runs a process to its end, collecting stdout and stderr; SIGKILL after timeoutMs. */
export function spawnCollect(
  cmd: string,
  args: string[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err });
    });
  });
}

export async function runChild(req: ChildRequest, timeoutMs = 30 * 60_000): Promise<ChildResult> {
  if (req.engine === 'llama.cpp-raw') return runRawLlama(req, timeoutMs);
  const env = { ...process.env, NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true' };
  const { code, signal, out, err } = await spawnCollect(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(req)], timeoutMs, env);
  const res = parseChildOutput(out);
  if (code === 0 && res) return res;
  throw new Error(`${req.engine} child (${req.mode}) failed: ${signal ?? `exit ${code}`}\n${err.slice(-2000)}`);
}

/** Runs one benchmark child (child.ts) in a fresh Node process and parses its answer. */
import { spawn } from 'child_process';
import * as path from 'path';
import { levelMismatch, RESULT_PREFIX, type ChildRequest, type ChildResult } from './protocol';
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

/** The child's environment: a Hearth level goes in as HEARTH_CPU, the only way to force the engine's kernel table. */
export function childEnv(req: ChildRequest, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true' };
  if (req.engine === 'hearth' && req.level) env.HEARTH_CPU = req.level;
  return env;
}

export async function runChild(req: ChildRequest, timeoutMs = 30 * 60_000): Promise<ChildResult> {
  if (req.engine === 'llama.cpp-raw') return runRawLlama(req, timeoutMs);
  const { code, signal, out, err } = await spawnCollect(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(req)], timeoutMs, childEnv(req));
  const res = parseChildOutput(out);
  if (code !== 0 || !res) throw new Error(`${req.engine}${req.level ? ` (${req.level})` : ''} child (${req.mode}) failed: ${signal ?? `exit ${code}`}\n${err.slice(-2000)}`);
  // The child checks this itself; checked again here so a child that did not is not trusted either.
  const mismatch = req.engine === 'hearth' ? levelMismatch(req.level, res.cpuLevel) : null;
  if (mismatch) throw new Error(`hearth child (${req.mode}): ${mismatch}`);
  return res;
}

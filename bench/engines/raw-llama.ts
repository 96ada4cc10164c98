/**
 * Raw llama.cpp: the same libllama node-llama-cpp ships, driven from C++ by
 * build/llama-ref (bench/gpu/llama-ref.cpp) instead of JavaScript, so the
 * table can show llama.cpp's own speed next to what node-llama-cpp delivers.
 * llama-ref times what the JS children time (load to first token, pp on a
 * fresh cache, the --pp-batches prompt sizes on a fresh cache each, tg from
 * an empty cache) after one warm-up of pp and tg.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { BackendName, ChildRequest, ChildResult } from './protocol';
import { spawnCollect } from './spawn-child';

const ROOT = path.resolve(__dirname, '..', '..');
export const LLAMA_REF = path.join(ROOT, 'build', 'llama-ref');
const LLAMA_REF_SOURCE = path.join(ROOT, 'bench', 'gpu', 'llama-ref.cpp');

/** node-llama-cpp's prebuilt folder for a backend on this platform. */
export function llamaLibDir(backend: BackendName): string {
  const variant = backend === 'cuda' || backend === 'vulkan' ? `${process.platform}-${process.arch}-${backend}` : `${process.platform}-${process.arch}`;
  return path.join(ROOT, 'node_modules', '@node-llama-cpp', variant, 'bins', variant);
}

/**
 * Whether build/llama-ref must be (re)built: absent, or older than its
 * source, so a binary from before a new flag (--pp-batches) is not run with it.
 */
export function llamaRefStale(binaryMtimeMs: number | null, sourceMtimeMs: number): boolean {
  return binaryMtimeMs === null || binaryMtimeMs < sourceMtimeMs;
}

function mtimeMs(file: string): number | null {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/** Builds build/llama-ref if absent or older than bench/gpu/llama-ref.cpp; returns null when ready, else why not. */
export function ensureLlamaRef(backend: BackendName): string | null {
  if (process.platform !== 'linux') return `raw llama.cpp runs on Linux only (${process.platform})`;
  if (!fs.existsSync(llamaLibDir(backend))) return `no llama.cpp build at ${llamaLibDir(backend)}`;
  if (!llamaRefStale(mtimeMs(LLAMA_REF), mtimeMs(LLAMA_REF_SOURCE) ?? 0)) return null;
  const r = spawnSync('bash', [path.join(ROOT, 'bench', 'gpu', 'build-llama-ref.sh')], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? null : `bench/gpu/build-llama-ref.sh failed: ${(r.stderr || r.stdout).slice(-500)}`;
}

interface LlamaRefJson {
  pp: number;
  tg: number;
  load_ms: number;
  peak_rss_bytes: number;
  base_rss_bytes: number;
  devices: { type: string; name: string }[];
  /** Absent from a binary built before --pp-batches. */
  pp_batches?: { n: number; tps: number }[];
}

export function parseLlamaRefOutput(stdout: string): LlamaRefJson | null {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith('{"engine":"llama.cpp"'));
  return line ? (JSON.parse(line) as LlamaRefJson) : null;
}

export async function runRawLlama(req: ChildRequest, timeoutMs = 30 * 60_000): Promise<ChildResult> {
  const full = req.mode === 'full';
  const args = [
    '--lib', llamaLibDir(req.backend), '--model', req.model, '--threads', String(req.threads),
    '--ngl', req.backend === 'cpu' ? '0' : '999',
    '--pp', String(full ? req.ppTokens : 0), '--tg', String(full ? req.tgTokens : 0), '--reps', '1',
  ];
  if (full && req.ppBatches.length > 0) args.push('--pp-batches', req.ppBatches.join(','));
  const { code, signal, out, err } = await spawnCollect(LLAMA_REF, args, timeoutMs);
  const j = parseLlamaRefOutput(out);
  if (code !== 0 || !j) throw new Error(`llama.cpp-raw (${req.mode}) failed: ${signal ?? `exit ${code}`}\n${(err + out).slice(-2000)}`);
  const gpu = j.devices.filter((d) => d.type !== 'cpu').map((d) => d.name);
  return {
    engine: 'llama.cpp-raw',
    loadToFirstTokenMs: j.load_ms,
    ppTokPerSec: full ? j.pp : undefined,
    tgTokPerSec: full ? j.tg : undefined,
    tgTokens: full ? req.tgTokens : undefined,
    ppBatchTokPerSec: full ? Object.fromEntries((j.pp_batches ?? []).map((b) => [String(b.n), b.tps])) : undefined,
    peakRssBytes: j.peak_rss_bytes,
    baseRssBytes: j.base_rss_bytes,
    backendNote: req.backend === 'cpu' || gpu.length === 0 ? 'cpu (libllama, C++)' : `${gpu.join(', ')} (libllama, C++)`,
  };
}

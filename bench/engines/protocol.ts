/**
 * What the parent asks a benchmark child for and what the child answers.
 * One child process per measurement so that peak RSS (VmHWM) belongs to one
 * engine and one load; the answer is the last stdout line, "RESULT <json>".
 */
/** llama.cpp: through node-llama-cpp (JS); llama.cpp-raw: the same libllama from C++ (build/llama-ref). */
export type EngineName = 'hearth' | 'llama.cpp' | 'llama.cpp-raw';
export type BackendName = 'cpu' | 'cuda' | 'vulkan' | 'auto';

export interface ChildRequest {
  engine: EngineName;
  model: string;
  threads: number;
  contextSize: number;
  backend: BackendName;
  /** 'load': only load-to-first-token (the cold-cache child); 'full': load, pp, tg. */
  mode: 'load' | 'full';
  ppTokens: number;
  tgTokens: number;
  /** The model's vocabulary size: prompt ids stay below it (StarCoder2's 49152 is under GPT-2's range). */
  nVocab: number;
  /** Hearth only: the kernel level forced with HEARTH_CPU in the child's environment. */
  level?: string;
  /** Mode 'full': prompt sizes also timed on their own, each from an empty context (node-llama-cpp skips them). */
  ppBatches: number[];
}

export interface ChildResult {
  engine: EngineName;
  /** Load + context + one token evaluated and sampled, ms. */
  loadToFirstTokenMs: number;
  /** Prompt processing of ppTokens tokens, tokens/s (mode 'full'). */
  ppTokPerSec?: number;
  /** Generation, tokens/s between the first and the last generated token (mode 'full'). */
  tgTokPerSec?: number;
  /** Tokens actually generated (an engine may stop early on an end token). */
  tgTokens?: number;
  /** VmHWM at the end, bytes. */
  peakRssBytes: number;
  /** VmRSS just before the model was loaded (Node + engine library), bytes. */
  baseRssBytes: number;
  /** What the engine did with the backend option. */
  backendNote: string;
  /** Hearth: the kernel level its dispatch reports having selected (cpuInfo().selected). */
  cpuLevel?: string;
  /** Tokens/s of one evaluation of N prompt tokens from an empty context, keyed by N ("32"); mode 'full'. */
  ppBatchTokPerSec?: Record<string, number>;
}

/**
 * Why a Hearth child did not run the level it was asked for, or null when it
 * did. HEARTH_CPU reaches the engine only through the environment, so a row
 * labelled with a level is trusted only once the child has said so.
 */
export function levelMismatch(requested: string | undefined, selected: string | undefined): string | null {
  if (requested === undefined || requested === selected) return null;
  return `asked for kernel level '${requested}' (HEARTH_CPU) but the engine selected '${selected ?? 'nothing it reported'}'`;
}

export const RESULT_PREFIX = 'RESULT ';

/** Bytes of a "VmXXX:  1234 kB" line in /proc/self/status, 0 where absent (not Linux). */
export function procStatusBytes(status: string, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** The bound for promptIds: inside GPT-2's byte-level range of the bench vocab, and inside the model's vocab. */
export function promptIdBound(nVocab: number): number {
  return Math.min(50000, nVocab);
}

/** Deterministic prompt ids from 256 up to below `below` (see promptIdBound), never `avoid`. */
export function promptIds(n: number, seed: number, below = 50000, avoid = -1): number[] {
  const out: number[] = [];
  let s = seed >>> 0;
  while (out.length < n) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const id = 256 + (s % (below - 256));
    if (id !== avoid) out.push(id);
  }
  return out;
}

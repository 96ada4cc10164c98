/**
 * The benchmark's arithmetic, pure: medians, ratios, and the physical
 * bounds (bytes read per generated token, FLOPs per prompt token).
 */
import type { ModelShape, PlannedTensor } from '../model/shapes';

export function median(xs: readonly number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile, p in [0, 100]. */
export function percentile(xs: readonly number[], p: number): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))];
}

/** a / b, NaN where either is missing or b is 0. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN;
}

/**
 * Weight bytes one generated token reads: every 2-D weight once, except an
 * untied token_embd (only one row is gathered); with tied embeddings the
 * head's matmul reads all of token_embd.
 */
export function weightBytesPerToken(tensors: readonly PlannedTensor[]): number {
  const hasOutput = tensors.some((t) => t.name === 'output.weight');
  let n = 0;
  for (const t of tensors) {
    if (t.name === 'token_embd.weight' && hasOutput) continue;
    n += t.nBytes;
  }
  return n;
}

/**
 * Multiply-adds x 2 per prompt token for a prompt of nPrompt tokens from an
 * empty cache: the matmuls (2 * weight elements, the tied head included) plus
 * attention's QK^T and PV over on average (nPrompt + 1) / 2 positions.
 */
export function flopsPerPromptToken(s: ModelShape, nPrompt: number): number {
  const D = s.nEmbd / s.nHead;
  const q = s.nHead * D;
  const kv = s.nHeadKv * D;
  const perLayer = s.nEmbd * q + 2 * s.nEmbd * kv + q * s.nEmbd + 3 * s.nEmbd * s.nFf;
  const matmul = 2 * (s.nLayer * perLayer + s.nEmbd * s.nVocab);
  const avgKv = (nPrompt + 1) / 2;
  const attention = s.nLayer * 2 * 2 * q * avgKv;
  return matmul + attention;
}

export interface Limits {
  /** Streaming read bandwidth, bytes/s. */
  readBytesPerSec: number;
  /** f32 FMA peak, FLOP/s. */
  fmaFlopsPerSec: number;
}

/** tg bound (tokens/s) from bandwidth, and pp bound from the FMA peak. */
export function bounds(s: ModelShape, tensors: readonly PlannedTensor[], limits: Limits, nPrompt: number): { tgTokPerSec: number; ppTokPerSec: number } {
  return {
    tgTokPerSec: limits.readBytesPerSec / weightBytesPerToken(tensors),
    ppTokPerSec: limits.fmaFlopsPerSec / flopsPerPromptToken(s, nPrompt),
  };
}

/**
 * The benchmark's arithmetic, pure: medians, ratios, and the physical
 * bounds (bytes read per generated token, FLOPs per prompt token).
 */
import { isMoe, moeOf, slidingLayer, type ModelShape, type PlannedTensor } from '../model/shapes';

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
 * Weight bytes one generated token reads: every weight tensor once, except
 * - an untied token_embd, of which only the token's row is gathered (with
 *   tied embeddings the head's matmul reads all of token_embd);
 * - stacked experts (*_exps.weight, and gpt-oss's *_exps.bias; expert index
 *   last), of which the router picks nExpertUsed: a MoE reads a fraction of
 *   its file per token, and its bandwidth bound is this figure's, not the file's.
 */
export function weightBytesPerToken(s: ModelShape, tensors: readonly PlannedTensor[]): number {
  const hasOutput = tensors.some((t) => t.name === 'output.weight');
  let n = 0;
  for (const t of tensors) {
    if (t.name === 'token_embd.weight' && hasOutput) n += t.nBytes / t.shape[1];
    else if (/_exps\.(weight|bias)$/.test(t.name)) n += (t.nBytes / t.shape[t.shape.length - 1]) * moeOf(s).nExpertUsed;
    else n += t.nBytes;
  }
  return n;
}

/** Mean over positions 1..n of the positions a query attends to: all before it, or at most `window`. */
function meanSpan(n: number, window = Infinity): number {
  if (window >= n) return (n + 1) / 2;
  return ((window * (window + 1)) / 2 + (n - window) * window) / n;
}

/**
 * Multiply-adds x 2 per prompt token for a prompt of nPrompt tokens from an
 * empty cache: the matmuls (2 * weight elements, the tied head included; for
 * a MoE the router and only the experts the token uses) plus attention's
 * QK^T and PV over on average (nPrompt + 1) / 2 positions, or on a sliding
 * layer at most its window.
 */
export function flopsPerPromptToken(s: ModelShape, nPrompt: number): number {
  const q = s.nHead * s.headDim;
  const kv = s.nHeadKv * s.headDim;
  const attnWeights = s.nEmbd * q + 2 * s.nEmbd * kv + q * s.nEmbd;
  // starcoder2's MLP has no gate: up and down only.
  let ffnWeights = (s.arch === 'starcoder2' ? 2 : 3) * s.nEmbd * s.nFf;
  if (isMoe(s)) {
    const moe = moeOf(s);
    ffnWeights = s.nEmbd * moe.nExpert + moe.nExpertUsed * 3 * s.nEmbd * moe.nFfExp;
  }
  const matmul = 2 * (s.nLayer * (attnWeights + ffnWeights) + s.nEmbd * s.nVocab);
  let nSliding = 0;
  for (let il = 0; il < s.nLayer; il++) if (slidingLayer(s, il)) nSliding++;
  const spans = (s.nLayer - nSliding) * meanSpan(nPrompt) + nSliding * meanSpan(nPrompt, s.slidingWindow);
  const attention = 2 * 2 * q * spans;
  return matmul + attention;
}

export interface Limits {
  /** Streaming read bandwidth, bytes/s. */
  readBytesPerSec: number;
  /** f32 FMA peak, FLOP/s. */
  fmaFlopsPerSec: number;
}

/** tg bound (tokens/s) from bandwidth over the bytes a token reads, and pp bound from the FMA peak. */
export function bounds(s: ModelShape, tensors: readonly PlannedTensor[], limits: Limits, nPrompt: number): { tgTokPerSec: number; ppTokPerSec: number } {
  return {
    tgTokPerSec: limits.readBytesPerSec / weightBytesPerToken(s, tensors),
    ppTokPerSec: limits.fmaFlopsPerSec / flopsPerPromptToken(s, nPrompt),
  };
}

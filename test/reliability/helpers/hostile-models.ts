/**
 * Tiny llama-architecture GGUF models (a few KB, F32, a 40-token SPM
 * tokenizer) whose settings can be made hostile one key at a time: the
 * hostile-settings tests, their corpus and property test, and the hparams
 * fuzz seeds all start from `tinyModel()` and change what they test.
 * Everything is deterministic: the same spec gives the same bytes.
 */
import type { GgufFileSpec, GgufMetadataEntry, GgufTensorSpec } from '../../../extension/gguf/writer';

/** The shape of a tiny model; every default is a valid, loadable model. */
export interface TinyShape {
  /**
   * general.architecture; qwen2 adds the Q/K/V biases it requires; qwen3moe
   * adds QK-norm and replaces the FFN by nExpert experts of nFfExp; gemma3
   * adds QK-norm, post-norms and a sliding window of 4 on every other layer;
   * starcoder2 has LayerNorm biases, every linear bias and no FFN gate;
   * phi3 fuses Q, K, V in attn_qkv and the gate and up in ffn_up; gpt-oss
   * has sinks, biases, a window of 4 on every other layer, and nExpert experts
   * with biases behind a router with a bias (its FFN norm is post_attention_norm).
   */
  arch: 'llama' | 'qwen2' | 'qwen3moe' | 'gemma3' | 'starcoder2' | 'phi3' | 'gpt-oss';
  nExpert?: number;
  nExpertUsed?: number;
  nFfExp?: number;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  nHeadKv: number;
  headDim: number;
  nFf: number;
  /** Rows of token_embd.weight (and output.weight). */
  nVocab: number;
  /** Entries of tokenizer.ggml.tokens; defaults to nVocab. */
  nTokens?: number;
  /** true: a separate output.weight; false: tied to the embedding. */
  outputTensor: boolean;
  /** Rows of output.weight when it differs from nVocab (hostile). */
  outputRows?: number;
  /**
   * phi3 LongRoPE: rope_factors_long/short.weight ([headDim/2] F32, around 4
   * and 1.5) as the first tensors, so that a seed carrying only the header and
   * the first bytes of data has real factors; original context 32, attn_factor 1.2.
   */
  longRope?: boolean;
}

export const TINY: Readonly<TinyShape> = {
  arch: 'llama', nEmbd: 8, nLayer: 2, nHead: 2, nHeadKv: 1, headDim: 4, nFf: 16, nVocab: 40, outputTensor: true,
};

/** A llama setting's key (the hostile tests' models are llama unless they say). */
export const key = (suffix: string): string => `llama.${suffix}`;

/** The tokenizer's texts: specials, SentencePiece pieces, then filler words. */
export function tinyTokens(n: number): string[] {
  const base = ['<unk>', '<s>', '</s>', '\u2581', '\u2581a', '\u2581b', 'a', 'b', 'c', 'd', 'e', 'h', 'i', 'l', 'o'];
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(i < base.length ? base[i] : `\u2581w${i}`);
  return out;
}

/** Deterministic small weights: a smooth, seed-shifted pattern in [-0.3, 0.3]. */
function pattern(n: number, seed: number, mean = 0): Uint8Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = mean + 0.3 * Math.sin(i * 0.731 + seed * 1.37) * Math.cos(i * 0.113 + seed);
  return new Uint8Array(a.buffer);
}

function tokenizerMetadata(nTokens: number): GgufMetadataEntry[] {
  const tokens = tinyTokens(nTokens);
  return [
    { key: 'tokenizer.ggml.model', type: 'string', value: 'llama' },
    { key: 'tokenizer.ggml.tokens', type: 'array', value: { itemType: 'string', items: tokens } },
    { key: 'tokenizer.ggml.scores', type: 'array', value: { itemType: 'float32', items: tokens.map((_, i) => -i) } },
    {
      key: 'tokenizer.ggml.token_type', type: 'array',
      value: { itemType: 'int32', items: tokens.map((_, i) => (i === 0 ? 2 : i < 3 ? 3 : 1)) },
    },
    { key: 'tokenizer.ggml.bos_token_id', type: 'uint32', value: 1 },
    { key: 'tokenizer.ggml.eos_token_id', type: 'uint32', value: 2 },
  ];
}

/** The tensors of a model of `s` (what the settings are checked against). */
export function tinyTensors(s: TinyShape): GgufTensorSpec[] {
  const E = s.nEmbd, Q = s.nHead * s.headDim, KV = s.nHeadKv * s.headDim, F = s.nFf;
  let seed = 0;
  const t = (name: string, shape: number[], mean = 0): GgufTensorSpec => ({
    name, type: 'F32', shape, data: pattern(shape.reduce((a, b) => a * b, 1), ++seed, mean),
  });
  const out: GgufTensorSpec[] = [];
  if (s.longRope) out.push(t('rope_factors_long.weight', [s.headDim / 2], 4), t('rope_factors_short.weight', [s.headDim / 2], 1.5));
  out.push(t('token_embd.weight', [E, s.nVocab]), t('output_norm.weight', [E], 1));
  const sc2 = s.arch === 'starcoder2';
  const oss = s.arch === 'gpt-oss';
  if (sc2) out.push(t('output_norm.bias', [E]));
  if (s.outputTensor) out.push(t('output.weight', [E, s.outputRows ?? s.nVocab]));
  for (let l = 0; l < s.nLayer; l++) {
    const p = `blk.${l}.`;
    out.push(t(p + 'attn_norm.weight', [E], 1));
    if (s.arch === 'phi3') out.push(t(p + 'attn_qkv.weight', [E, Q + 2 * KV]));
    else out.push(t(p + 'attn_q.weight', [E, Q]), t(p + 'attn_k.weight', [E, KV]), t(p + 'attn_v.weight', [E, KV]));
    out.push(t(p + 'attn_output.weight', [Q, E]), t(p + (oss ? 'post_attention_norm.weight' : 'ffn_norm.weight'), [E], 1));
    if (oss) out.push(t(p + 'attn_output.bias', [E]), t(p + 'attn_sinks.weight', [s.nHead]));
    if (sc2) {
      out.push(t(p + 'attn_norm.bias', [E]), t(p + 'ffn_norm.bias', [E]), t(p + 'attn_output.bias', [E]),
               t(p + 'ffn_up.bias', [F]), t(p + 'ffn_down.bias', [E]));
    }
    if (s.arch === 'gemma3') {
      out.push(t(p + 'attn_q_norm.weight', [s.headDim], 1), t(p + 'attn_k_norm.weight', [s.headDim], 1),
               t(p + 'post_attention_norm.weight', [E], 1), t(p + 'post_ffw_norm.weight', [E], 1));
    }
    if (s.arch === 'qwen3moe' || oss) {
      const X = s.nExpert ?? 4, FX = s.nFfExp ?? F;
      if (!oss) out.push(t(p + 'attn_q_norm.weight', [s.headDim], 1), t(p + 'attn_k_norm.weight', [s.headDim], 1));
      out.push(
        t(p + 'ffn_gate_inp.weight', [E, X]), t(p + 'ffn_gate_exps.weight', [E, FX, X]),
        t(p + 'ffn_up_exps.weight', [E, FX, X]), t(p + 'ffn_down_exps.weight', [FX, E, X]),
      );
      if (oss) {
        out.push(t(p + 'ffn_gate_inp.bias', [X]), t(p + 'ffn_gate_exps.bias', [FX, X]), t(p + 'ffn_up_exps.bias', [FX, X]),
                 t(p + 'ffn_down_exps.bias', [E, X]));
      }
    } else if (s.arch === 'phi3') {
      out.push(t(p + 'ffn_up.weight', [E, 2 * F]), t(p + 'ffn_down.weight', [F, E]));
    } else {
      if (!sc2) out.push(t(p + 'ffn_gate.weight', [E, F]));
      out.push(t(p + 'ffn_up.weight', [E, F]), t(p + 'ffn_down.weight', [F, E]));
    }
    if (s.arch === 'qwen2' || sc2 || oss) out.push(t(p + 'attn_q.bias', [Q]), t(p + 'attn_k.bias', [KV]), t(p + 'attn_v.bias', [KV]));
  }
  return out;
}

/** The settings that describe `s` truthfully. */
export function tinySettings(s: TinyShape): GgufMetadataEntry[] {
  const key = (suffix: string): string => `${s.arch}.${suffix}`;
  return [
    { key: 'general.architecture', type: 'string', value: s.arch },
    { key: 'general.name', type: 'string', value: 'hostile-tiny' },
    { key: key('context_length'), type: 'uint32', value: 64 },
    { key: key('embedding_length'), type: 'uint32', value: s.nEmbd },
    { key: key('block_count'), type: 'uint32', value: s.nLayer },
    { key: key('feed_forward_length'), type: 'uint32', value: s.nFf },
    { key: key('attention.head_count'), type: 'uint32', value: s.nHead },
    { key: key('attention.head_count_kv'), type: 'uint32', value: s.nHeadKv },
    { key: key('attention.key_length'), type: 'uint32', value: s.headDim },
    { key: key('rope.dimension_count'), type: 'uint32', value: s.headDim },
    { key: key('rope.freq_base'), type: 'float32', value: 10000 },
    s.arch === 'starcoder2'
      ? { key: key('attention.layer_norm_epsilon'), type: 'float32', value: 1e-5 }
      : { key: key('attention.layer_norm_rms_epsilon'), type: 'float32', value: 1e-5 },
    ...(s.arch === 'gemma3' || s.arch === 'gpt-oss'
      ? ([
          { key: key('attention.sliding_window'), type: 'uint32', value: 4 },
          { key: key('attention.sliding_window_pattern'), type: 'uint32', value: 2 },
        ] as GgufMetadataEntry[])
      : []),
    ...(s.longRope
      ? ([
          { key: key('rope.scaling.original_context_length'), type: 'uint32', value: 32 },
          { key: key('rope.scaling.attn_factor'), type: 'float32', value: 1.2 },
        ] as GgufMetadataEntry[])
      : []),
    ...(s.arch === 'qwen3moe' || s.arch === 'gpt-oss'
      ? ([
          { key: key('expert_count'), type: 'uint32', value: s.nExpert ?? 4 },
          { key: key('expert_used_count'), type: 'uint32', value: s.nExpertUsed ?? 2 },
          { key: key('expert_feed_forward_length'), type: 'uint32', value: s.nFfExp ?? s.nFf },
        ] as GgufMetadataEntry[])
      : []),
  ];
}

/** A metadata change: set (replace or add) an entry, or drop a key. */
export type MetaEdit = GgufMetadataEntry | { key: string; drop: true };

/** A valid tiny model of `shape`, then `edits` applied to its metadata in order. */
export function tinyModel(shape: Partial<TinyShape> = {}, edits: readonly MetaEdit[] = []): GgufFileSpec {
  const s: TinyShape = { ...TINY, ...shape };
  let metadata = [...tinySettings(s), ...tokenizerMetadata(s.nTokens ?? s.nVocab)];
  for (const e of edits) {
    metadata = metadata.filter((m) => m.key !== e.key);
    if (!('drop' in e)) metadata.push(e);
  }
  // validate: false lets a hostile value through (a negative uint, say); the
  // writer still lays out every tensor correctly.
  return { metadata, tensors: tinyTensors(s), validate: false };
}

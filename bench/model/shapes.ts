/**
 * The model shapes and file formats the benchmark generates. Shapes are
 * published configurations, weights are random:
 * - qwen2 (Qwen2.5-Coder 0.5B/1.5B): QKV biases, tied embeddings;
 * - qwen3 (Qwen3 0.6B/1.7B): no biases, QK-norm (RMS norm over each head of
 *   Q and K), head size 128 whatever the width, tied embeddings;
 * - qwen3moe (Qwen3-Coder-30B-A3B): qwen3's attention, and in place of the
 *   FFN a router picking 8 of 128 experts per token; untied head. Its depth
 *   is a parameter (the id ends in -d<layers>): each layer is ~630 MiB in
 *   Q8_0, so the full 48 layers (30 GiB) only fit big machines;
 * - gemma3 (Gemma-3-1B): QK-norm, norms before and after each sub-block,
 *   GeGLU, 4 heads of 256 on 1152 wide, one KV head, vocab 262144, tied;
 *   five of every six layers slide over 512 positions (RoPE base 10000),
 *   the sixth sees everything (base 1e6). The engines scale its embeddings
 *   by sqrt(1152); its norms hold Gemma's 1 + w as llama.cpp's converter
 *   writes them, which the usual 1 + N(0, 0.02) draw already is;
 * - starcoder2 (StarCoder2-3B): LayerNorm with biases, biases on every
 *   matrix, a GELU MLP without gate, rope base 999999.4, eps 1e-5, tied; its
 *   own tokenizer (49152 tokens, fewer than the bench's GPT-2-based vocab);
 * - gpt-oss (gpt-oss-20b): 64 heads of 64 with attention sinks and biases,
 *   every other layer (0, 2, ...) sliding over 128 positions, YaRN (x32 over
 *   4096), rope base 150000; 32 experts of 2880 with biases, 4 used, a
 *   router with a bias; untied. Depth is a parameter as for qwen3moe (the
 *   real model has 24 layers, each ~850 MiB in Q8_0).
 * The Qwen shapes use rope base 1e6 and RMS eps 1e-6 (the defaults below).
 * Pure: no I/O, so the unit tests can check the layout on a tiny shape.
 */
import { planQuantization, QUANTIZE_TARGETS } from '../../extension/engine/quantize';
import { ggmlTensorBytes, ggmlType } from '../../extension/gguf/ggml-types';
import type { TensorInfo } from '../../extension/engine/gguf';

export type BenchArch = 'qwen2' | 'qwen3' | 'qwen3moe' | 'gemma3' | 'starcoder2' | 'gpt-oss';

export interface ModelShape {
  /** Short id used on the command line and in file names ("0.5b"). */
  id: string;
  arch: BenchArch;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  nHeadKv: number;
  /** Size of one attention head (key_length = value_length). qwen2: nEmbd / nHead. */
  headDim: number;
  /** Dense FFN width (<arch>.feed_forward_length; the MoE arches write it but have no dense FFN). */
  nFf: number;
  nVocab: number;
  /** Trained context written to the file (<arch>.context_length). */
  nCtxTrain: number;
  tiedEmbeddings: boolean;
  /** qwen3moe, gpt-oss: experts per layer, experts each token uses, and one expert's FFN width. */
  nExpert?: number;
  nExpertUsed?: number;
  nFfExp?: number;
  // The fields below are left out of the Qwen shapes, whose cache keys hash
  // the whole shape: absent, they take the value those files were written with.
  /** <arch>.rope.freq_base (gemma3: its global layers'); absent: 1e6. */
  ropeBase?: number;
  /** The norms' epsilon; absent: 1e-6. */
  normEps?: number;
  /** Sliding-window attention: the window. Which layers slide is the arch's (slidingLayer). */
  slidingWindow?: number;
  /** YaRN: the factor over the original trained context. */
  ropeYarn?: { factor: number; origCtx: number };
  /**
   * The vocab-only fixture file (in test/fixtures/llama.cpp-vocab) the
   * tokenizer comes from; absent: GPT-2's, extended to nVocab (vocab.ts).
   */
  vocab?: string;
}

const QWEN_VOCAB = 151936;

/** Qwen3-Coder-30B-A3B's layer geometry at `nLayer` layers (the real model has 48). */
export function qwen3CoderMoeShape(nLayer: number): ModelShape {
  return {
    id: `30b-a3b-qwen3moe-d${nLayer}`, arch: 'qwen3moe', nEmbd: 2048, nLayer, nHead: 32, nHeadKv: 4, headDim: 128,
    nFf: 6144, nVocab: QWEN_VOCAB, nCtxTrain: 262144, tiedEmbeddings: false, nExpert: 128, nExpertUsed: 8, nFfExp: 768,
  };
}

/** gpt-oss-20b's layer geometry at `nLayer` layers (the real model has 24). */
export function gptOss20bShape(nLayer: number): ModelShape {
  return {
    id: `20b-gpt-oss-d${nLayer}`, arch: 'gpt-oss', nEmbd: 2880, nLayer, nHead: 64, nHeadKv: 8, headDim: 64,
    nFf: 2880, nVocab: 201088, nCtxTrain: 131072, tiedEmbeddings: false, nExpert: 32, nExpertUsed: 4, nFfExp: 2880,
    ropeBase: 150000, normEps: 1e-5, slidingWindow: 128, ropeYarn: { factor: 32, origCtx: 4096 },
  };
}

export const SHAPES: Readonly<Record<string, ModelShape>> = {
  '0.5b': { id: '0.5b', arch: 'qwen2', nEmbd: 896, nLayer: 24, nHead: 14, nHeadKv: 2, headDim: 64, nFf: 4864, nVocab: QWEN_VOCAB, nCtxTrain: 32768, tiedEmbeddings: true },
  '1.5b': { id: '1.5b', arch: 'qwen2', nEmbd: 1536, nLayer: 28, nHead: 12, nHeadKv: 2, headDim: 128, nFf: 8960, nVocab: QWEN_VOCAB, nCtxTrain: 32768, tiedEmbeddings: true },
  '0.6b-qwen3': { id: '0.6b-qwen3', arch: 'qwen3', nEmbd: 1024, nLayer: 28, nHead: 16, nHeadKv: 8, headDim: 128, nFf: 3072, nVocab: QWEN_VOCAB, nCtxTrain: 40960, tiedEmbeddings: true },
  '1.7b-qwen3': { id: '1.7b-qwen3', arch: 'qwen3', nEmbd: 2048, nLayer: 28, nHead: 16, nHeadKv: 8, headDim: 128, nFf: 6144, nVocab: QWEN_VOCAB, nCtxTrain: 40960, tiedEmbeddings: true },
  '30b-a3b-qwen3moe-d4': qwen3CoderMoeShape(4),
  '1b-gemma3': {
    id: '1b-gemma3', arch: 'gemma3', nEmbd: 1152, nLayer: 26, nHead: 4, nHeadKv: 1, headDim: 256, nFf: 6912, nVocab: 262144,
    nCtxTrain: 32768, tiedEmbeddings: true, ropeBase: 1000000, normEps: 1e-6, slidingWindow: 512,
  },
  '3b-starcoder2': {
    id: '3b-starcoder2', arch: 'starcoder2', nEmbd: 3072, nLayer: 30, nHead: 24, nHeadKv: 2, headDim: 128, nFf: 12288, nVocab: 49152,
    nCtxTrain: 16384, tiedEmbeddings: true, ropeBase: 999999.4, normEps: 1e-5, vocab: 'ggml-vocab-starcoder.gguf',
  },
  '20b-gpt-oss-d4': gptOss20bShape(4),
};

/** The shapes whose depth is a parameter: id prefix -> the shape at that many layers. */
const BY_DEPTH: Readonly<Record<string, (nLayer: number) => ModelShape>> = {
  '30b-a3b-qwen3moe': qwen3CoderMoeShape,
  '20b-gpt-oss': gptOss20bShape,
};

/**
 * The shape for a command-line id: one of SHAPES, or a MoE shape at any
 * depth ("30b-a3b-qwen3moe-d48" and "20b-gpt-oss-d24" are the full models).
 */
export function shapeById(id: string): ModelShape | undefined {
  if (Object.hasOwn(SHAPES, id)) return SHAPES[id];
  const m = /^(.+)-d([1-9]\d{0,2})$/.exec(id);
  return m && Object.hasOwn(BY_DEPTH, m[1]) ? BY_DEPTH[m[1]](Number(m[2])) : undefined;
}

/** A mixture of experts: a router and stacked experts in place of the dense FFN. */
export function isMoe(s: ModelShape): boolean {
  return s.arch === 'qwen3moe' || s.arch === 'gpt-oss';
}

/**
 * Whether layer il attends only to the last slidingWindow positions, with
 * llama.cpp's patterns: gemma3 five of every six (the sixth, 5, 11, ...,
 * sees everything), gpt-oss every other from layer 0.
 */
export function slidingLayer(s: ModelShape, il: number): boolean {
  if (s.slidingWindow === undefined) return false;
  if (s.arch === 'gemma3') return il % 6 < 5;
  if (s.arch === 'gpt-oss') return il % 2 === 0;
  return false;
}

/** Command-line format id -> the `hearth quantize` target it is written as (mxfp4: with its experts rewritten, below). */
export const FORMATS: Readonly<Record<string, string>> = {
  q4_0: 'Q4_0',
  q8_0: 'Q8_0',
  q4_k_m: 'Q4_K_M',
  f16: 'F16',
  bf16: 'BF16',
  mxfp4: 'Q8_0',
};

/**
 * Formats whose stacked experts (*_exps.weight) get another type than their
 * target's, and the general.file_type they carry: mxfp4 is llama.cpp's
 * MXFP4_MOE (experts MXFP4, every other matrix Q8_0, the router F32), the
 * way gpt-oss is released. MoE shapes only.
 */
export const EXPERT_FORMATS: Readonly<Record<string, { experts: string; fileType: number }>> = {
  mxfp4: { experts: 'MXFP4', fileType: 38 },
};

/**
 * What a tensor holds, which decides how its values are drawn. 'vocab' is a
 * matrix with one row per token (the embedding, and the output head when it
 * is not tied): its rows past the text tokens are drawn quieter (see
 * write-model.ts). 'bias' is any additive vector, gpt-oss's per-head sink
 * logits included.
 */
export type TensorRole = 'matrix' | 'vocab' | 'norm' | 'bias';

export interface LaidOutTensor {
  name: string;
  /** ggml ne order: shape[0] is the row length; stacked experts (and their biases) have the expert last. */
  shape: number[];
  role: TensorRole;
}

export interface PlannedTensor extends LaidOutTensor {
  /** ggml type name in the written file. */
  type: string;
  nBytes: number;
}

/**
 * The tensors of a shape, in file order (F32 types; see planModel for the
 * written ones), named as llama.cpp's converter names them.
 */
export function tensorLayout(s: ModelShape): LaidOutTensor[] {
  const E = s.nEmbd;
  const q = s.nHead * s.headDim;
  const kv = s.nHeadKv * s.headDim;
  const oss = s.arch === 'gpt-oss';
  // Biases on Q, K, V; on the attention output and the dense FFN's matrices.
  const qkvBias = s.arch === 'qwen2' || s.arch === 'starcoder2' || oss;
  const linearBias = s.arch === 'starcoder2' || oss;
  const qkNorm = s.arch === 'qwen3' || s.arch === 'qwen3moe' || s.arch === 'gemma3';
  const out: LaidOutTensor[] = [];
  const add = (name: string, shape: number[], role: TensorRole): void => {
    out.push({ name, shape, role });
  };
  // starcoder2's LayerNorms have a bias beside each weight.
  const norm = (name: string): void => {
    add(`${name}.weight`, [E], 'norm');
    if (s.arch === 'starcoder2') add(`${name}.bias`, [E], 'bias');
  };
  const linear = (name: string, inDim: number, outDim: number, bias: boolean): void => {
    add(`${name}.weight`, [inDim, outDim], 'matrix');
    if (bias) add(`${name}.bias`, [outDim], 'bias');
  };
  add('token_embd.weight', [E, s.nVocab], 'vocab');
  norm('output_norm');
  if (!s.tiedEmbeddings) add('output.weight', [E, s.nVocab], 'vocab');
  for (let l = 0; l < s.nLayer; l++) {
    const p = `blk.${l}.`;
    norm(p + 'attn_norm');
    linear(p + 'attn_q', E, q, qkvBias);
    linear(p + 'attn_k', E, kv, qkvBias);
    linear(p + 'attn_v', E, kv, qkvBias);
    if (qkNorm) {
      add(p + 'attn_q_norm.weight', [s.headDim], 'norm');
      add(p + 'attn_k_norm.weight', [s.headDim], 'norm');
    }
    linear(p + 'attn_output', q, E, linearBias);
    if (oss) add(p + 'attn_sinks.weight', [s.nHead], 'bias');
    // gemma3 norms each sub-block's output before the residual add.
    if (s.arch === 'gemma3') norm(p + 'post_attention_norm');
    // gpt-oss names the FFN's pre-norm post_attention_norm.
    norm(p + (oss ? 'post_attention_norm' : 'ffn_norm'));
    if (isMoe(s)) {
      const { nExpert: X, nFfExp: F } = moeOf(s);
      add(p + 'ffn_gate_inp.weight', [E, X], 'matrix');
      if (oss) add(p + 'ffn_gate_inp.bias', [X], 'bias');
      for (const [name, inDim, outDim] of [['gate', E, F], ['up', E, F], ['down', F, E]] as const) {
        add(`${p}ffn_${name}_exps.weight`, [inDim, outDim, X], 'matrix');
        if (oss) add(`${p}ffn_${name}_exps.bias`, [outDim, X], 'bias');
      }
    } else {
      // starcoder2: a GELU MLP, no gate.
      if (s.arch !== 'starcoder2') linear(p + 'ffn_gate', E, s.nFf, false);
      linear(p + 'ffn_up', E, s.nFf, linearBias);
      linear(p + 'ffn_down', s.nFf, E, linearBias);
    }
    if (s.arch === 'gemma3') norm(p + 'post_ffw_norm');
  }
  return out;
}

/** The MoE fields of a MoE shape, checked present. */
export function moeOf(s: ModelShape): { nExpert: number; nExpertUsed: number; nFfExp: number } {
  const { nExpert, nExpertUsed, nFfExp } = s;
  if (nExpert === undefined || nExpertUsed === undefined || nFfExp === undefined) {
    throw new Error(`shape ${s.id} (${s.arch}) lacks nExpert, nExpertUsed or nFfExp`);
  }
  return { nExpert, nExpertUsed, nFfExp };
}

/**
 * Every tensor with the type llama.cpp's quantizer would give it for the
 * format (the same rules `hearth quantize` follows: Q4_K_M puts Q6_K on
 * attn_v/ffn_down(_exps) of the use_more_bits layers and on the tied
 * embedding or the output head; the MoE router stays F32; mxfp4 rewrites
 * the experts of its Q8_0 plan).
 */
export function planModel(s: ModelShape, format: string): PlannedTensor[] {
  const target = FORMATS[format];
  if (!target) throw new Error(`unknown format ${format} (one of ${Object.keys(FORMATS).join(', ')})`);
  const experts = EXPERT_FORMATS[format]?.experts;
  if (experts && !isMoe(s)) throw new Error(`format ${format} is for mixture-of-experts shapes (${experts} experts); ${s.id} has none`);
  const layout = tensorLayout(s);
  const asInfo = layout.map((t) => ({ name: t.name, shape: t.shape, type: 'F32' }) as unknown as TensorInfo);
  const plan = planQuantization(asInfo, target);
  return layout.map((t) => {
    const type = experts && t.name.endsWith('_exps.weight') ? experts : plan.get(t.name) ?? 'F32';
    const geom = ggmlType(type);
    if (!geom) throw new Error(`no geometry for ${type}`);
    // Over every dimension: a stacked expert tensor is nExpert matrices.
    return { ...t, type, nBytes: ggmlTensorBytes(geom, t.shape) };
  });
}

export function fileTypeOf(format: string): number {
  return EXPERT_FORMATS[format]?.fileType ?? QUANTIZE_TARGETS[FORMATS[format]].fileType;
}

/** Parameters in a shape (tied head counted once; every expert counted). */
export function parameterCount(s: ModelShape): number {
  return tensorLayout(s).reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
}

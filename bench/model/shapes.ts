/**
 * The model shapes and file formats the benchmark generates. Shapes are
 * published configurations, weights are random:
 * - qwen2 (Qwen2.5-Coder 0.5B/1.5B): QKV biases, tied embeddings;
 * - qwen3 (Qwen3 0.6B/1.7B): no biases, QK-norm (RMS norm over each head of
 *   Q and K), head size 128 whatever the width, tied embeddings;
 * - qwen3moe (Qwen3-Coder-30B-A3B): qwen3's attention, and in place of the
 *   FFN a router picking 8 of 128 experts per token; untied head. Its depth
 *   is a parameter (the id ends in -d<layers>): each layer is ~630 MiB in
 *   Q8_0, so the full 48 layers (30 GiB) only fit big machines.
 * All use rope base 1e6 and RMS eps 1e-6.
 * Pure: no I/O, so the unit tests can check the layout on a tiny shape.
 */
import { planQuantization, QUANTIZE_TARGETS } from '../../extension/engine/quantize';
import { ggmlTensorBytes, ggmlType } from '../../extension/gguf/ggml-types';
import type { TensorInfo } from '../../extension/engine/gguf';

export type BenchArch = 'qwen2' | 'qwen3' | 'qwen3moe';

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
  /** Dense FFN width (<arch>.feed_forward_length; qwen3moe writes it but has no dense FFN). */
  nFf: number;
  nVocab: number;
  /** Trained context written to the file (<arch>.context_length). */
  nCtxTrain: number;
  tiedEmbeddings: boolean;
  /** qwen3moe: experts per layer, experts each token uses, and one expert's FFN width. */
  nExpert?: number;
  nExpertUsed?: number;
  nFfExp?: number;
}

const QWEN_VOCAB = 151936;

/** Qwen3-Coder-30B-A3B's layer geometry at `nLayer` layers (the real model has 48). */
export function qwen3CoderMoeShape(nLayer: number): ModelShape {
  return {
    id: `30b-a3b-qwen3moe-d${nLayer}`, arch: 'qwen3moe', nEmbd: 2048, nLayer, nHead: 32, nHeadKv: 4, headDim: 128,
    nFf: 6144, nVocab: QWEN_VOCAB, nCtxTrain: 262144, tiedEmbeddings: false, nExpert: 128, nExpertUsed: 8, nFfExp: 768,
  };
}

export const SHAPES: Readonly<Record<string, ModelShape>> = {
  '0.5b': { id: '0.5b', arch: 'qwen2', nEmbd: 896, nLayer: 24, nHead: 14, nHeadKv: 2, headDim: 64, nFf: 4864, nVocab: QWEN_VOCAB, nCtxTrain: 32768, tiedEmbeddings: true },
  '1.5b': { id: '1.5b', arch: 'qwen2', nEmbd: 1536, nLayer: 28, nHead: 12, nHeadKv: 2, headDim: 128, nFf: 8960, nVocab: QWEN_VOCAB, nCtxTrain: 32768, tiedEmbeddings: true },
  '0.6b-qwen3': { id: '0.6b-qwen3', arch: 'qwen3', nEmbd: 1024, nLayer: 28, nHead: 16, nHeadKv: 8, headDim: 128, nFf: 3072, nVocab: QWEN_VOCAB, nCtxTrain: 40960, tiedEmbeddings: true },
  '1.7b-qwen3': { id: '1.7b-qwen3', arch: 'qwen3', nEmbd: 2048, nLayer: 28, nHead: 16, nHeadKv: 8, headDim: 128, nFf: 6144, nVocab: QWEN_VOCAB, nCtxTrain: 40960, tiedEmbeddings: true },
  '30b-a3b-qwen3moe-d4': qwen3CoderMoeShape(4),
};

/**
 * The shape for a command-line id: one of SHAPES, or the MoE shape at any
 * depth ("30b-a3b-qwen3moe-d48" is the full model).
 */
export function shapeById(id: string): ModelShape | undefined {
  if (Object.hasOwn(SHAPES, id)) return SHAPES[id];
  const m = /^30b-a3b-qwen3moe-d([1-9]\d{0,2})$/.exec(id);
  return m ? qwen3CoderMoeShape(Number(m[1])) : undefined;
}

/** Command-line format id -> the `hearth quantize` target it is written as. */
export const FORMATS: Readonly<Record<string, string>> = {
  q4_0: 'Q4_0',
  q8_0: 'Q8_0',
  q4_k_m: 'Q4_K_M',
  f16: 'F16',
  bf16: 'BF16',
};

/**
 * What a tensor holds, which decides how its values are drawn. 'vocab' is a
 * matrix with one row per token (the embedding, and the output head when it
 * is not tied): its rows past the text tokens are drawn quieter (see
 * write-model.ts).
 */
export type TensorRole = 'matrix' | 'vocab' | 'norm' | 'bias';

export interface LaidOutTensor {
  name: string;
  /** ggml ne order: shape[0] is the row length; stacked experts have the expert as shape[2]. */
  shape: number[];
  role: TensorRole;
}

export interface PlannedTensor extends LaidOutTensor {
  /** ggml type name in the written file. */
  type: string;
  nBytes: number;
}

/** The tensors of a shape, in file order (F32 types; see planModel for the written ones). */
export function tensorLayout(s: ModelShape): LaidOutTensor[] {
  const E = s.nEmbd;
  const q = s.nHead * s.headDim;
  const kv = s.nHeadKv * s.headDim;
  const out: LaidOutTensor[] = [];
  const add = (name: string, shape: number[], role: TensorRole): void => {
    out.push({ name, shape, role });
  };
  add('token_embd.weight', [E, s.nVocab], 'vocab');
  add('output_norm.weight', [E], 'norm');
  if (!s.tiedEmbeddings) add('output.weight', [E, s.nVocab], 'vocab');
  for (let l = 0; l < s.nLayer; l++) {
    const p = `blk.${l}.`;
    add(p + 'attn_norm.weight', [E], 'norm');
    add(p + 'attn_q.weight', [E, q], 'matrix');
    if (s.arch === 'qwen2') add(p + 'attn_q.bias', [q], 'bias');
    add(p + 'attn_k.weight', [E, kv], 'matrix');
    if (s.arch === 'qwen2') add(p + 'attn_k.bias', [kv], 'bias');
    add(p + 'attn_v.weight', [E, kv], 'matrix');
    if (s.arch === 'qwen2') add(p + 'attn_v.bias', [kv], 'bias');
    if (s.arch !== 'qwen2') {
      add(p + 'attn_q_norm.weight', [s.headDim], 'norm');
      add(p + 'attn_k_norm.weight', [s.headDim], 'norm');
    }
    add(p + 'attn_output.weight', [q, E], 'matrix');
    add(p + 'ffn_norm.weight', [E], 'norm');
    if (s.arch === 'qwen3moe') {
      const { nExpert: X, nFfExp: F } = moeOf(s);
      add(p + 'ffn_gate_inp.weight', [E, X], 'matrix');
      add(p + 'ffn_gate_exps.weight', [E, F, X], 'matrix');
      add(p + 'ffn_up_exps.weight', [E, F, X], 'matrix');
      add(p + 'ffn_down_exps.weight', [F, E, X], 'matrix');
    } else {
      add(p + 'ffn_gate.weight', [E, s.nFf], 'matrix');
      add(p + 'ffn_up.weight', [E, s.nFf], 'matrix');
      add(p + 'ffn_down.weight', [s.nFf, E], 'matrix');
    }
  }
  return out;
}

/** The MoE fields of a qwen3moe shape, checked present. */
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
 * embedding or the output head; the MoE router stays F32).
 */
export function planModel(s: ModelShape, format: string): PlannedTensor[] {
  const target = FORMATS[format];
  if (!target) throw new Error(`unknown format ${format} (one of ${Object.keys(FORMATS).join(', ')})`);
  const layout = tensorLayout(s);
  const asInfo = layout.map((t) => ({ name: t.name, shape: t.shape, type: 'F32' }) as unknown as TensorInfo);
  const plan = planQuantization(asInfo, target);
  return layout.map((t) => {
    const type = plan.get(t.name) ?? 'F32';
    const geom = ggmlType(type);
    if (!geom) throw new Error(`no geometry for ${type}`);
    // Over every dimension: a stacked expert tensor is nExpert matrices.
    return { ...t, type, nBytes: ggmlTensorBytes(geom, t.shape) };
  });
}

export function fileTypeOf(format: string): number {
  return QUANTIZE_TARGETS[FORMATS[format]].fileType;
}

/** Parameters in a shape (tied head counted once; every expert counted). */
export function parameterCount(s: ModelShape): number {
  return tensorLayout(s).reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
}

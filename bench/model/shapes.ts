/**
 * The model shapes and file formats the benchmark generates. Shapes are the
 * published Qwen2.5-Coder configurations (qwen2 architecture: QKV biases,
 * tied embeddings, rope base 1e6, RMS eps 1e-6); weights are random.
 * Pure: no I/O, so the unit tests can check the layout on a tiny shape.
 */
import { planQuantization, QUANTIZE_TARGETS } from '../../extension/engine/quantize';
import { ggmlTensorBytes, ggmlType } from '../../extension/gguf/ggml-types';
import type { TensorInfo } from '../../extension/engine/gguf';

export interface ModelShape {
  /** Short id used on the command line and in file names ("0.5b"). */
  id: string;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  nHeadKv: number;
  nFf: number;
  nVocab: number;
  /** Trained context written to the file (qwen2.context_length). */
  nCtxTrain: number;
  tiedEmbeddings: boolean;
}

export const SHAPES: Readonly<Record<string, ModelShape>> = {
  '0.5b': { id: '0.5b', nEmbd: 896, nLayer: 24, nHead: 14, nHeadKv: 2, nFf: 4864, nVocab: 151936, nCtxTrain: 32768, tiedEmbeddings: true },
  '1.5b': { id: '1.5b', nEmbd: 1536, nLayer: 28, nHead: 12, nHeadKv: 2, nFf: 8960, nVocab: 151936, nCtxTrain: 32768, tiedEmbeddings: true },
};

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

export interface PlannedTensor {
  name: string;
  /** ggml ne order: shape[0] is the row length. */
  shape: number[];
  role: TensorRole;
  /** ggml type name in the written file. */
  type: string;
  nBytes: number;
}

/** The qwen2 tensors of a shape, in file order (F32 types; see planModel for the written ones). */
export function tensorLayout(s: ModelShape): { name: string; shape: number[]; role: TensorRole }[] {
  const E = s.nEmbd;
  const D = E / s.nHead;
  const q = s.nHead * D;
  const kv = s.nHeadKv * D;
  const out: { name: string; shape: number[]; role: TensorRole }[] = [];
  out.push({ name: 'token_embd.weight', shape: [E, s.nVocab], role: 'vocab' });
  out.push({ name: 'output_norm.weight', shape: [E], role: 'norm' });
  if (!s.tiedEmbeddings) out.push({ name: 'output.weight', shape: [E, s.nVocab], role: 'vocab' });
  for (let l = 0; l < s.nLayer; l++) {
    const p = `blk.${l}.`;
    out.push({ name: p + 'attn_norm.weight', shape: [E], role: 'norm' });
    out.push({ name: p + 'attn_q.weight', shape: [E, q], role: 'matrix' });
    out.push({ name: p + 'attn_q.bias', shape: [q], role: 'bias' });
    out.push({ name: p + 'attn_k.weight', shape: [E, kv], role: 'matrix' });
    out.push({ name: p + 'attn_k.bias', shape: [kv], role: 'bias' });
    out.push({ name: p + 'attn_v.weight', shape: [E, kv], role: 'matrix' });
    out.push({ name: p + 'attn_v.bias', shape: [kv], role: 'bias' });
    out.push({ name: p + 'attn_output.weight', shape: [q, E], role: 'matrix' });
    out.push({ name: p + 'ffn_norm.weight', shape: [E], role: 'norm' });
    out.push({ name: p + 'ffn_gate.weight', shape: [E, s.nFf], role: 'matrix' });
    out.push({ name: p + 'ffn_up.weight', shape: [E, s.nFf], role: 'matrix' });
    out.push({ name: p + 'ffn_down.weight', shape: [s.nFf, E], role: 'matrix' });
  }
  return out;
}

/**
 * Every tensor with the type llama.cpp's quantizer would give it for the
 * format (the same rules `hearth quantize` follows: Q4_K_M puts Q6_K on
 * attn_v/ffn_down of the use_more_bits layers and on the tied embedding).
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
    return { ...t, type, nBytes: ggmlTensorBytes(geom, t.shape) };
  });
}

export function fileTypeOf(format: string): number {
  return QUANTIZE_TARGETS[FORMATS[format]].fileType;
}

/** Parameters in a shape (tied head counted once). */
export function parameterCount(s: ModelShape): number {
  return tensorLayout(s).reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
}

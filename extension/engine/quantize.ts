/**
 * `hearth quantize`: rewrites a GGUF with its weights in another format.
 *
 * Which tensors change follows llama.cpp's llama-quant rules (our own code):
 * - only 2-D+ tensors named *.weight are converted; norms, biases and other
 *   1-D tensors keep their type (F32), and so does a MoE router
 *   (ffn_gate_inp.weight), which picks the experts;
 * - for a quantized target, output.weight (or token_embd.weight when the
 *   embeddings are tied) becomes Q6_K (Q8_0 when its rows do not fit 256-element
 *   blocks; unchanged for a Q8_0 target);
 * - Q4_K_M / Q5_K_M: base Q4_K / Q5_K; attn_v.weight and ffn_down.weight (or a MoE's ffn_down_exps.weight) of
 *   the layers where use_more_bits(i, n) holds (the first and last eighth and
 *   every third layer in between) become Q6_K;
 * - IQ4_NL / IQ4_XS are plain targets here (every matrix but the output in
 *   that format); llama.cpp's extra bits for their attn_v and first ffn_down
 *   layers are not applied;
 * - a row length that is not a multiple of the chosen block size falls back:
 *   Q4_K -> Q5_0, Q5_K -> Q5_1, Q6_K -> Q8_0, Q2_K/Q3_K -> Q4_0,
 *   IQ4_XS -> IQ4_NL, and anything still not fitting -> F16.
 */
import * as fs from 'fs';
import { writeGguf, type GgufMetadataEntry, type GgufTensorSpec } from '../gguf/writer';
import { ggmlType } from '../gguf/ggml-types';
import { loadBinding } from './binding';
import { EngineError, asEngineError } from './errors';
import { inspectModel, type TensorInfo } from './gguf';
import { metadataEntry } from './gguf-metadata';

/** The formats `hearth quantize` writes, with llama.cpp's general.file_type for each. */
export const QUANTIZE_TARGETS: Readonly<Record<string, { base: string; fileType: number; mix: boolean }>> = {
  F32: { base: 'F32', fileType: 0, mix: false },
  F16: { base: 'F16', fileType: 1, mix: false },
  BF16: { base: 'BF16', fileType: 32, mix: false },
  Q8_0: { base: 'Q8_0', fileType: 7, mix: false },
  Q4_0: { base: 'Q4_0', fileType: 2, mix: false },
  Q4_1: { base: 'Q4_1', fileType: 3, mix: false },
  Q5_0: { base: 'Q5_0', fileType: 8, mix: false },
  Q5_1: { base: 'Q5_1', fileType: 9, mix: false },
  Q2_K: { base: 'Q2_K', fileType: 10, mix: false },
  Q3_K: { base: 'Q3_K', fileType: 11, mix: false },
  Q4_K: { base: 'Q4_K', fileType: 14, mix: false },
  Q5_K: { base: 'Q5_K', fileType: 16, mix: false },
  Q6_K: { base: 'Q6_K', fileType: 18, mix: false },
  IQ4_NL: { base: 'IQ4_NL', fileType: 25, mix: false },
  IQ4_XS: { base: 'IQ4_XS', fileType: 30, mix: false },
  Q4_K_M: { base: 'Q4_K', fileType: 15, mix: true },
  Q5_K_M: { base: 'Q5_K', fileType: 17, mix: true },
};

const PLAIN = new Set(['F32', 'F16', 'BF16']);
const K_FALLBACK: Record<string, string> = { Q2_K: 'Q4_0', Q3_K: 'Q4_0', Q4_K: 'Q5_0', Q5_K: 'Q5_1', Q6_K: 'Q8_0', IQ4_XS: 'IQ4_NL' };

function useMoreBits(i: number, n: number): boolean {
  return i < Math.floor(n / 8) || i >= Math.floor((7 * n) / 8) || (i - Math.floor(n / 8)) % 3 === 2;
}

function fits(type: string, rowLength: number): boolean {
  const g = ggmlType(type);
  return g !== undefined && rowLength % g.blockElems === 0;
}

/** The type each tensor gets for `target` (tensor name -> ggml type name). */
export function planQuantization(tensors: readonly TensorInfo[], target: string): Map<string, string> {
  const spec = QUANTIZE_TARGETS[target];
  if (!spec) {
    throw new EngineError('E_INVALID_ARGUMENT', `unknown target type ${target} (one of ${Object.keys(QUANTIZE_TARGETS).join(', ')})`);
  }
  const hasOutput = tensors.some((t) => t.name === 'output.weight');
  const nAttnV = tensors.filter((t) => t.name.endsWith('attn_v.weight')).length;
  const isFfnDown = (name: string): boolean => name.endsWith('ffn_down.weight') || name.endsWith('ffn_down_exps.weight');
  const nFfnDown = tensors.filter((t) => isFfnDown(t.name)).length;
  let iAttnV = 0;
  let iFfnDown = 0;
  const plan = new Map<string, string>();
  for (const t of tensors) {
    const rowLength = t.shape[0];
    if (!t.name.endsWith('.weight') || t.shape.length < 2 || t.name.endsWith('ffn_gate_inp.weight')) {
      plan.set(t.name, t.type);
      continue;
    }
    let type = spec.base;
    if (!PLAIN.has(type)) {
      const isOutput = t.name === 'output.weight' || (!hasOutput && t.name === 'token_embd.weight');
      if (isOutput) {
        if (rowLength % 256 !== 0) type = 'Q8_0';
        else if (type !== 'Q8_0') type = 'Q6_K';
      } else if (t.name.endsWith('attn_v.weight')) {
        if (spec.mix && useMoreBits(iAttnV, nAttnV)) type = 'Q6_K';
        iAttnV++;
      } else if (isFfnDown(t.name)) {
        if (spec.mix && useMoreBits(iFfnDown, nFfnDown)) type = 'Q6_K';
        iFfnDown++;
      }
      if (!fits(type, rowLength) && K_FALLBACK[type]) type = K_FALLBACK[type];
      if (!fits(type, rowLength)) type = 'F16';
    }
    plan.set(t.name, type);
  }
  return plan;
}

export interface QuantizeSummary {
  target: string;
  tensors: { name: string; from: string; to: string }[];
  bytesIn: number;
  bytesOut: number;
}

/** Reads `input`, writes `output` with every tensor in its planned type. */
export async function quantizeModel(
  input: string,
  output: string,
  target: string,
  onTensor?: (index: number, total: number, name: string, type: string) => void,
): Promise<QuantizeSummary> {
  return rewriteModel(input, output, (tensors) => planQuantization(tensors, target), target, QUANTIZE_TARGETS[target]?.fileType, onTensor);
}

/**
 * Reads `input`, writes `output` with each tensor in the type `planFor` gives
 * it (others as they are) and general.file_type set to fileType (left out
 * when undefined): quantizeModel, and the tests' files in formats that are
 * not quantize targets (MXFP4).
 */
export async function rewriteModel(
  input: string,
  output: string,
  planFor: (tensors: TensorInfo[]) => Map<string, string>,
  target: string,
  fileType: number | undefined,
  onTensor?: (index: number, total: number, name: string, type: string) => void,
): Promise<QuantizeSummary> {
  const info = await inspectModel(input);
  const plan = planFor(info.tensors);
  const binding = loadBinding();
  const fd = fs.openSync(input, 'r');
  const tensors: GgufTensorSpec[] = [];
  const summary: QuantizeSummary = { target, tensors: [], bytesIn: 0, bytesOut: 0 };
  try {
    for (const [i, t] of info.tensors.entries()) {
      const to = plan.get(t.name) ?? t.type;
      const raw = new Uint8Array(t.nBytes);
      fs.readSync(fd, raw, 0, t.nBytes, info.containerOffset + info.dataOffset + t.offset);
      let data: Uint8Array = raw;
      if (to !== t.type) {
        const toType = ggmlType(to);
        if (!toType) throw new EngineError('E_INTERNAL', `no geometry for ${to}`);
        const f32 = t.type === 'F32' ? new Float32Array(raw.buffer, raw.byteOffset, t.nElements) : await binding.dequantizeRows(t.typeId, raw, t.shape[0]);
        data = to === 'F32' ? new Uint8Array(f32.buffer, f32.byteOffset, f32.byteLength) : await binding.quantizeRows(toType.id, f32, t.shape[0]);
      }
      tensors.push({ name: t.name, type: to, shape: t.shape, data });
      summary.tensors.push({ name: t.name, from: t.type, to });
      summary.bytesIn += t.nBytes;
      summary.bytesOut += data.byteLength;
      onTensor?.(i, info.tensors.length, t.name, to);
    }
  } catch (err) {
    throw asEngineError(err);
  } finally {
    fs.closeSync(fd);
  }
  const metadata: GgufMetadataEntry[] = [];
  for (const [key, value] of Object.entries(info.metadata)) {
    if (key === 'general.file_type' || key === 'general.alignment') continue;
    metadata.push(metadataEntry(key, info.metadataTypes[key], value));
  }
  if (fileType !== undefined) metadata.push({ key: 'general.file_type', type: 'uint32', value: fileType });
  await writeGguf(output, { metadata, tensors });
  return summary;
}

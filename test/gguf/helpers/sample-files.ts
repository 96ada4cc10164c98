/** Small GGUF specs shared by the round-trip, corrupt-file and zip tests. */
import type { GgufFileSpec, GgufMetadataEntry, GgufTensorSpec } from '../../../extension/gguf/writer';

/** Deterministic bytes: tensor data whose origin a test can recognise. */
export function patternBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = (seed * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** One key of every metadata type, nested and empty arrays, unicode. */
export const EVERY_TYPE_METADATA: GgufMetadataEntry[] = [
  { key: 'general.architecture', type: 'string', value: 'llama' },
  { key: 'general.name', type: 'string', value: 'round trip ✓ 日本語 🦙' },
  { key: 't.uint8', type: 'uint8', value: 255 },
  { key: 't.int8', type: 'int8', value: -128 },
  { key: 't.uint16', type: 'uint16', value: 65535 },
  { key: 't.int16', type: 'int16', value: -32768 },
  { key: 't.uint32', type: 'uint32', value: 4294967295 },
  { key: 't.int32', type: 'int32', value: -2147483648 },
  { key: 't.float32', type: 'float32', value: 0.1 },
  { key: 't.float64', type: 'float64', value: -1.2345678901234567e300 },
  { key: 't.bool.true', type: 'bool', value: true },
  { key: 't.bool.false', type: 'bool', value: false },
  { key: 't.string.empty', type: 'string', value: '' },
  { key: 't.uint64.small', type: 'uint64', value: 9007199254740991n },
  { key: 't.uint64.big', type: 'uint64', value: 18446744073709551615n },
  { key: 't.int64.small', type: 'int64', value: -9007199254740991n },
  { key: 't.int64.big', type: 'int64', value: -9223372036854775808n },
  { key: 't.arr.uint8', type: 'array', value: { itemType: 'uint8', items: [0, 1, 255] } },
  { key: 't.arr.int8', type: 'array', value: { itemType: 'int8', items: [-128, 0, 127] } },
  { key: 't.arr.uint16', type: 'array', value: { itemType: 'uint16', items: [0, 65535] } },
  { key: 't.arr.int16', type: 'array', value: { itemType: 'int16', items: [-32768, 32767] } },
  { key: 't.arr.uint32', type: 'array', value: { itemType: 'uint32', items: [0, 4294967295] } },
  { key: 't.arr.int32', type: 'array', value: { itemType: 'int32', items: [-2147483648, 7] } },
  { key: 't.arr.float32', type: 'array', value: { itemType: 'float32', items: [1.5, -0, 3e38] } },
  { key: 't.arr.float64', type: 'array', value: { itemType: 'float64', items: [Math.PI, -1e-300] } },
  { key: 't.arr.bool', type: 'array', value: { itemType: 'bool', items: [true, false, true] } },
  { key: 't.arr.uint64', type: 'array', value: { itemType: 'uint64', items: [1n, 18446744073709551615n] } },
  { key: 't.arr.int64', type: 'array', value: { itemType: 'int64', items: [-1n, 9223372036854775807n] } },
  { key: 't.arr.string', type: 'array', value: { itemType: 'string', items: ['a', '', 'ü', '▁the', '\n'] } },
  { key: 't.arr.empty', type: 'array', value: { itemType: 'int32', items: [] } },
  { key: 't.arr.empty.string', type: 'array', value: { itemType: 'string', items: [] } },
  {
    key: 't.arr.nested',
    type: 'array',
    value: {
      itemType: 'array',
      items: [
        { itemType: 'int16', items: [1, -2] },
        { itemType: 'string', items: ['x', 'yz'] },
        { itemType: 'array', items: [{ itemType: 'bool', items: [true] }, { itemType: 'float32', items: [] }] },
        { itemType: 'uint8', items: [] },
      ],
    },
  },
  { key: 'tokenizer.ggml.fim_pre_token_id', type: 'uint32', value: 5 },
  { key: 'tokenizer.ggml.fim_suf_token_id', type: 'uint32', value: 6 },
  { key: 'tokenizer.ggml.fim_mid_token_id', type: 'uint32', value: 7 },
];

/** A small model-like file: a few tensors of several types with data. */
export function smallModelTensors(): GgufTensorSpec[] {
  return [
    { name: 'token_embd.weight', type: 'F32', shape: [8, 4], data: patternBytes(8 * 4 * 4, 1) },
    { name: 'blk.0.attn_q.weight', type: 'Q4_0', shape: [64, 2], data: patternBytes(2 * 2 * 18, 2) },
    { name: 'blk.0.ffn_up.weight', type: 'Q4_K', shape: [256, 1], data: patternBytes(144, 3) },
    { name: 'output_norm.weight', type: 'F16', shape: [8], data: patternBytes(16, 4) },
    { name: 'blk.0.attn_k.weight', type: 'Q8_0', shape: [32, 3, 1, 1], data: patternBytes(3 * 34, 5) },
  ];
}

export function smallModelSpec(version: 1 | 2 | 3 = 3): GgufFileSpec {
  return {
    version,
    metadata: [
      { key: 'general.architecture', type: 'string', value: 'llama' },
      { key: 'general.name', type: 'string', value: 'small' },
      { key: 'llama.context_length', type: 'uint32', value: 128 },
      { key: 'tokenizer.ggml.model', type: 'string', value: 'llama' },
      { key: 'tokenizer.ggml.tokens', type: 'array', value: { itemType: 'string', items: ['<unk>', '<s>', '</s>', 'a'] } },
    ],
    tensors: smallModelTensors(),
  };
}

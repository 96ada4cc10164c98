/**
 * The hostile-settings corpus: tiny models (helpers/hostile-models.ts) with
 * one setting, table or string made hostile each. Generated, never committed;
 * `hostileCorpus()` returns the same list every time. The test runs each
 * file through `hearth generate` in a child process: a coded error or a
 * normal result is fine; a signal, a hang or a huge RSS is a defect.
 */
import type { GgufFileSpec, GgufMetadataEntry } from '../../../extension/gguf/writer';
import { TINY, key, tinyModel, type MetaEdit } from './hostile-models';

export interface HostileCase {
  name: string;
  spec: GgufFileSpec;
}

/** Every integer setting the llama family reads. */
export const INT_KEYS = [
  'embedding_length', 'block_count', 'feed_forward_length', 'attention.head_count', 'attention.head_count_kv',
  'attention.key_length', 'rope.dimension_count', 'context_length',
] as const;

/** Integer values that break naive arithmetic: zero, negative, one, and sizes that overflow 32/64-bit products. */
const INT_VALUES: readonly { label: string; type: 'int32' | 'uint64' | 'int64'; value: bigint | number }[] = [
  { label: '0', type: 'int32', value: 0 },
  { label: '-1', type: 'int32', value: -1 },
  { label: '1', type: 'int32', value: 1 },
  { label: '2^31', type: 'uint64', value: 2n ** 31n },
  { label: '2^52+1', type: 'uint64', value: 2n ** 52n + 1n },
  { label: '2^63-1', type: 'int64', value: 2n ** 63n - 1n },
];

const FLOAT_KEYS = ['attention.layer_norm_rms_epsilon', 'rope.freq_base', 'rope.scaling.factor', 'rope.scaling.attn_factor'] as const;
const FLOAT_VALUES: readonly { label: string; value: number }[] = [
  { label: 'NaN', value: NaN }, { label: '-inf', value: -Infinity }, { label: '0', value: 0 }, { label: '1e300', value: 1e300 },
];

const SPECIAL_ID_KEYS = ['bos_token_id', 'eos_token_id', 'fim_pre_token_id', 'padding_token_id'] as const;

function meta(edits: MetaEdit[]): GgufFileSpec {
  return tinyModel({}, edits);
}

export function hostileCorpus(): HostileCase[] {
  const cases: HostileCase[] = [];
  const add = (name: string, spec: GgufFileSpec): void => {
    cases.push({ name, spec });
  };
  for (const k of INT_KEYS) {
    for (const v of INT_VALUES) add(`${k}=${v.label}`, meta([{ key: key(k), type: v.type, value: v.value }]));
    add(`${k} as string`, meta([{ key: key(k), type: 'string', value: '8' }]));
  }
  // Other wrong types where a count belongs (every getter takes the same path).
  add('block_count as float', meta([{ key: key('block_count'), type: 'float32', value: 2.5 }]));
  add('head_count as array', meta([{ key: key('attention.head_count'), type: 'array', value: { itemType: 'uint32', items: [2, 2] } }]));
  add('head_count as bool', meta([{ key: key('attention.head_count'), type: 'bool', value: true }]));
  for (const k of FLOAT_KEYS) {
    for (const v of FLOAT_VALUES) {
      const type = Math.abs(v.value) > 3.4e38 && Number.isFinite(v.value) ? 'float64' : 'float32';
      const edits: MetaEdit[] = [{ key: key(k), type, value: v.value }];
      if (k === 'rope.scaling.factor') edits.push({ key: key('rope.scaling.type'), type: 'string', value: 'linear' });
      add(`${k}=${v.label}`, meta(edits));
    }
  }
  add('rope.freq_base as string', meta([{ key: key('rope.freq_base'), type: 'string', value: '1e4' }]));
  // Layer count far beyond the blocks present (once 5 GB of RSS), and blocks
  // present beyond the stated count.
  add('block_count=2e7', meta([{ key: key('block_count'), type: 'uint32', value: 20_000_000 }]));
  add('block_count below blocks present', meta([{ key: key('block_count'), type: 'uint32', value: 1 }]));
  add('blocks numbered 1..2', renumberBlocks());
  // Heads whose product wraps back to the real Q rows (once SIGSEGV in cpu_rope).
  add('head_count wraps 2^64', headCountWrap());
  // Vocabulary disagreements.
  add('tokenizer shorter than embedding', tinyModel({ nTokens: TINY.nVocab - 8 }));
  add('tokenizer longer than embedding', tinyModel({ nTokens: TINY.nVocab + 8 }));
  add('output rows differ from embedding', tinyModel({ outputRows: TINY.nVocab + 1 }));
  add('tied output, tokenizer shorter', tinyModel({ outputTensor: false, nTokens: TINY.nVocab - 1 }));
  // Rope dims beyond the head size, odd, and head counts that do not divide.
  add('rope dims > head size', meta([{ key: key('rope.dimension_count'), type: 'uint32', value: TINY.headDim * 2 }]));
  add('rope dims odd', meta([{ key: key('rope.dimension_count'), type: 'uint32', value: TINY.headDim - 1 }]));
  add('head_count_kv > head_count', meta([{ key: key('attention.head_count_kv'), type: 'uint32', value: 4 }]));
  add('no key_length, n_embd < n_head', tinyModel({}, [
    { key: key('attention.key_length'), drop: true }, { key: key('embedding_length'), type: 'uint32', value: 1 },
  ]));
  // Tokenizer tables of mismatched lengths.
  const n = TINY.nVocab;
  add('scores shorter than tokens', meta([
    { key: 'tokenizer.ggml.scores', type: 'array', value: { itemType: 'float32', items: new Array(n - 3).fill(0) } },
  ]));
  add('token_type shorter than tokens', meta([
    { key: 'tokenizer.ggml.token_type', type: 'array', value: { itemType: 'int32', items: new Array(n - 3).fill(1) } },
  ]));
  add('token_type values out of range', meta([
    { key: 'tokenizer.ggml.token_type', type: 'array', value: { itemType: 'int32', items: new Array(n).fill(-7) } },
  ]));
  add('tokens as uint32 array', meta([
    { key: 'tokenizer.ggml.tokens', type: 'array', value: { itemType: 'uint32', items: new Array(n).fill(1) } },
  ]));
  add('gpt2 tokenizer without merges', meta([{ key: 'tokenizer.ggml.model', type: 'string', value: 'gpt2' }]));
  // Special-token ids outside the vocabulary.
  for (const k of SPECIAL_ID_KEYS) {
    const ids: GgufMetadataEntry[] = [
      { key: `tokenizer.ggml.${k}`, type: 'uint32', value: n },
      { key: `tokenizer.ggml.${k}`, type: 'int32', value: -1 },
      { key: `tokenizer.ggml.${k}`, type: 'uint64', value: 2n ** 63n + 5n },
    ];
    for (const e of ids) add(`${k}=${String(e.value)} (${e.type})`, meta([e]));
  }
  // A chat template of 2 MiB and one of deeply nested braces.
  add('chat template 2 MiB', meta([{ key: 'tokenizer.chat_template', type: 'string', value: '{{ x }}'.repeat(300_000) }]));
  add('chat template nested', meta([{ key: 'tokenizer.chat_template', type: 'string', value: '{%if 1%}'.repeat(20_000) }]));
  // Settings for an architecture the file does not have.
  add('architecture missing', meta([{ key: 'general.architecture', drop: true }]));
  add('architecture unknown', meta([{ key: 'general.architecture', type: 'string', value: 'llama\u0000x' }]));
  return cases;
}

/** The hostile file of issue 15 defect 1: head_count = 2^52+1 and key_length = 4096, so head_count * key_length wraps to 4096 = the Q rows. */
export function headCountWrap(): GgufFileSpec {
  const D = 4096;
  return tinyModel({ nLayer: 1, nHead: 1, nHeadKv: 1, headDim: D }, [
    { key: key('attention.head_count'), type: 'uint64', value: 2n ** 52n + 1n },
    { key: key('attention.head_count_kv'), drop: true },
    { key: key('rope.dimension_count'), drop: true },
  ]);
}

/** Two blocks named blk.1 and blk.2 (no blk.0), block_count = 2. */
function renumberBlocks(): GgufFileSpec {
  const spec = tinyModel();
  const tensors = (spec.tensors ?? []).map((t) => {
    const m = /^blk\.(\d+)\.(.*)$/.exec(t.name);
    return m ? { ...t, name: `blk.${Number(m[1]) + 1}.${m[2]}` } : t;
  });
  return { ...spec, tensors };
}

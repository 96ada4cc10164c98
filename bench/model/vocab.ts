/**
 * A tokenizer with Qwen2.5's vocabulary size for the benchmark models.
 * ../shared/models has no qwen2 vocab, so this takes GPT-2's byte-level BPE
 * (the shared vocab-only file, 50257 tokens), appends Qwen's FIM/ChatML
 * markers as control tokens, sets pre-tokenizer "qwen2", and pads to
 * nVocab with "[PAD<i>]" tokens of type UNUSED, as llama.cpp's converter
 * pads Qwen's own vocab. Both engines then tokenize the same way and the
 * embedding has the real model's row count.
 */
import * as path from 'path';
import { inspectModel } from '../../extension/engine/gguf';
import { metadataEntry } from '../../extension/engine/gguf-metadata';
import type { GgufMetadataEntry } from '../../extension/gguf/writer';

const NORMAL = 1;
const CONTROL = 3;
const UNUSED = 5;
export const QWEN_MARKERS = ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|fim_pad|>', '<|repo_name|>', '<|file_sep|>', '<|im_start|>', '<|im_end|>'];

export function sharedModelsDir(): string {
  return process.env.HEARTH_SHARED_MODELS ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'models');
}

export function gpt2VocabPath(): string {
  return path.join(sharedModelsDir(), 'llama.cpp-vocab', 'ggml-vocab-gpt-2.gguf');
}

/** Tokens, types and scores extended to nVocab (pure, for the tests). */
export function padVocab(tokens: readonly string[], types: readonly number[], nVocab: number): { tokens: string[]; types: number[] } {
  const outTokens = [...tokens, ...QWEN_MARKERS];
  const outTypes = [...types, ...QWEN_MARKERS.map(() => CONTROL)];
  if (outTokens.length > nVocab) throw new Error(`base vocab has ${outTokens.length} tokens, more than ${nVocab}`);
  for (let i = outTokens.length; i < nVocab; i++) {
    outTokens.push(`[PAD${i}]`);
    outTypes.push(UNUSED);
  }
  return { tokens: outTokens, types: outTypes };
}

/** How many tokens, from the first, are ordinary text (type NORMAL): the rows a random model should pick from. */
export function leadingTextTokens(types: readonly number[]): number {
  const i = types.findIndex((t) => t !== NORMAL);
  return i < 0 ? types.length : i;
}

/** The tokenizer.* metadata entries of the benchmark vocab, and its count of leading text tokens. */
export async function qwenShapedVocab(nVocab: number, vocabFile = gpt2VocabPath()): Promise<{ entries: GgufMetadataEntry[]; textTokens: number }> {
  const info = await inspectModel(vocabFile);
  const tokens = info.metadata['tokenizer.ggml.tokens'] as string[];
  const types = info.metadata['tokenizer.ggml.token_type'] as number[] | undefined;
  const padded = padVocab(tokens, types ?? tokens.map(() => NORMAL), nVocab);
  const out: GgufMetadataEntry[] = [];
  for (const [key, value] of Object.entries(info.metadata)) {
    if (!key.startsWith('tokenizer.') || key === 'tokenizer.ggml.pre') continue;
    if (key === 'tokenizer.ggml.tokens') {
      out.push({ key, type: 'array', value: { itemType: 'string', items: padded.tokens } });
    } else if (key === 'tokenizer.ggml.token_type') {
      out.push({ key, type: 'array', value: { itemType: 'int32', items: padded.types } });
    } else if (key === 'tokenizer.ggml.scores') {
      out.push({ key, type: 'array', value: { itemType: 'float32', items: padded.tokens.map(() => 0) } });
    } else {
      out.push(metadataEntry(key, info.metadataTypes[key], value));
    }
  }
  if (!types) out.push({ key: 'tokenizer.ggml.token_type', type: 'array', value: { itemType: 'int32', items: padded.types } });
  out.push({ key: 'tokenizer.ggml.pre', type: 'string', value: 'qwen2' });
  return { entries: out, textTokens: leadingTextTokens(padded.types) };
}

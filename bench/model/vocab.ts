/**
 * A tokenizer with Qwen2.5's vocabulary size for the benchmark models.
 * test/fixtures has no qwen2 vocab, so this takes GPT-2's byte-level BPE
 * (the vocab-only fixture file, 50257 tokens), appends Qwen's FIM/ChatML
 * markers as control tokens, sets pre-tokenizer "qwen2", and pads to
 * nVocab with "[PAD<i>]" tokens of type UNUSED, as llama.cpp's converter
 * pads Qwen's own vocab. Both engines then tokenize the same way and the
 * embedding has the real model's row count. The other arches' shapes take
 * the same vocab at their size, except StarCoder2, whose 49152 tokens are
 * fewer than GPT-2's: it has its own tokenizer in test/fixtures, which
 * is taken as it is.
 */
import { inspectModel, type GgufFileInfo } from '../../extension/engine/gguf';
import { metadataEntry } from '../../extension/engine/gguf-metadata';
import type { GgufMetadataEntry } from '../../extension/gguf/writer';
import { fixture } from '../../test/helpers/fixtures';
import type { ModelShape } from './shapes';

const NORMAL = 1;
const CONTROL = 3;
const UNUSED = 5;
export const QWEN_MARKERS = ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|fim_pad|>', '<|repo_name|>', '<|file_sep|>', '<|im_start|>', '<|im_end|>'];

export function gpt2VocabPath(): string {
  return fixture('llama.cpp-vocab/ggml-vocab-gpt-2.gguf');
}

/** The vocab file a shape's model takes by default (ModelShape.vocab, else GPT-2's). */
export function shapeVocabPath(s: ModelShape): string {
  return s.vocab ? fixture(`llama.cpp-vocab/${s.vocab}`) : gpt2VocabPath();
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

/** Rows [begin, end) of a vocab: its text tokens, which a random model's greedy picks should land on. */
export interface TextRows {
  begin: number;
  end: number;
}

/**
 * The first run of NORMAL tokens. GPT-2's extended vocab has it first
 * (begin 0, end leadingTextTokens); StarCoder2's puts its 38 control markers
 * before it.
 */
export function textRows(types: readonly number[]): TextRows {
  const begin = Math.max(0, types.indexOf(NORMAL));
  const after = types.findIndex((t, i) => i > begin && t !== NORMAL);
  return { begin, end: after < 0 ? types.length : after };
}

/**
 * The tokenizer.* metadata entries of a benchmark model of nVocab tokens,
 * and its text rows. A vocab file of exactly nVocab tokens is the model's
 * own and is copied as it is; a smaller one is extended Qwen-style.
 */
export async function benchVocab(nVocab: number, vocabFile = gpt2VocabPath()): Promise<{ entries: GgufMetadataEntry[]; text: TextRows }> {
  const info = await inspectModel(vocabFile);
  const tokens = info.metadata['tokenizer.ggml.tokens'] as string[];
  const types = info.metadata['tokenizer.ggml.token_type'] as number[] | undefined;
  if (tokens.length === nVocab && types) {
    const entries = Object.keys(info.metadata)
      .filter((key) => key.startsWith('tokenizer.'))
      .map((key) => metadataEntry(key, info.metadataTypes[key], info.metadata[key]));
    return { entries, text: textRows(types) };
  }
  return qwenShapedVocab(nVocab, info, tokens, types);
}

/** GPT-2's vocab with Qwen's markers and UNUSED padding to nVocab (see the top). */
function qwenShapedVocab(
  nVocab: number,
  info: GgufFileInfo,
  tokens: string[],
  types: number[] | undefined,
): { entries: GgufMetadataEntry[]; text: TextRows } {
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
  return { entries: out, text: { begin: 0, end: leadingTextTokens(padded.types) } };
}

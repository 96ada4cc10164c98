/**
 * A small random-weight qwen2 model whose vocabulary has Qwen2.5-Coder's FIM
 * and ChatML tokens: GPT-2's BPE vocab (test/fixtures) with the Qwen markers
 * appended as control tokens, pre-tokenizer "qwen2", and a ChatML
 * tokenizer.chat_template. The weights are noise, but the output is
 * deterministic under greedy decoding, which is all the FIM path (prompt
 * layout, stop tokens, `hearth complete` vs the editor) needs.
 * Cached next to the model factory's files.
 */
import * as fs from 'fs';
import * as path from 'path';
import { inspectModel } from '../../extension/engine/gguf';
import { metadataEntry } from '../../extension/engine/gguf-metadata';
import { writeGguf, type GgufMetadataEntry } from '../../extension/gguf/writer';
import { deriveVocab } from '../tokenizer/helpers/derived-vocab';
import { CACHE_DIR, randomModel, type RandomModelSpec } from './model-factory';
import { fixture } from './fixtures';

const CONTROL = 3;
export const QWEN_MARKERS = ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|fim_pad|>', '<|repo_name|>', '<|file_sep|>', '<|im_start|>', '<|im_end|>'];

/** Qwen2.5's ChatML template, reduced to what these tests render (system, user, assistant turns). */
export const CHATML_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const VOCAB_VERSION = 1;  // bump when the vocab bytes change

async function qwenFimVocab(): Promise<string> {
  const file = path.join(CACHE_DIR, `qwen-fim-vocab-v${VOCAB_VERSION}.gguf`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const base = `${file}.${process.pid}.base`;
  await deriveVocab(fixture('llama.cpp-vocab/ggml-vocab-gpt-2.gguf'), base, {
    pre: 'qwen2',
    name: 'hearth-qwen-fim',
    extraTokens: QWEN_MARKERS.map((text) => ({ text, type: CONTROL })),
  });
  const info = await inspectModel(base);
  const metadata: GgufMetadataEntry[] = Object.entries(info.metadata).map(([k, v]) => metadataEntry(k, info.metadataTypes[k], v));
  metadata.push({ key: 'tokenizer.chat_template', type: 'string', value: CHATML_TEMPLATE });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeGguf(tmp, { metadata });
  fs.rmSync(base, { force: true });
  fs.renameSync(tmp, file);
  return file;
}

export async function qwenFimModelSpec(): Promise<RandomModelSpec> {
  return {
    arch: 'qwen2', vocabFrom: await qwenFimVocab(), nEmbd: 64, nLayer: 2, nHead: 4, nHeadKv: 2, nFf: 160, nCtx: 2048,
    tiedEmbeddings: true, ropeFreqBase: 1000000, seed: 7,
  };
}

/** Path of the cached F32 model (about 13 MB), built on first use (a few seconds). */
export async function qwenFimModel(): Promise<string> {
  return randomModel(await qwenFimModelSpec());
}

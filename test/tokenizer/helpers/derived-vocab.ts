/**
 * Vocab-only GGUF copies of a model's tokenizer, written with our GGUF
 * writer: general.architecture becomes "llama" (llama.cpp loads any
 * tokenizer under it vocab-only), general.name and every tokenizer.* key are
 * kept, and tokenizer.ggml.pre can be replaced. This gives llama.cpp files it
 * can open where the original has quirks it rejects (DBRX architecture
 * without tensors, duplicate keys, GGUF v1), and vocab files for the
 * pre-tokenizers no fixture file has (llama-bpe, qwen2).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspectModel, type GgufJsValue } from '../../../extension/engine/gguf';
import { writeGguf, type GgufMetadataEntry, type GgufScalarType } from '../../../extension/gguf/writer';

export interface DeriveOptions {
  /** Replaces (or adds) tokenizer.ggml.pre. */
  pre?: string;
  /** Replaces general.name (llama.cpp keys per-model token attributes on it). */
  name?: string;
  /** Tokens appended to the vocab (type: GGUF token type, 3 = control, 4 = user-defined). */
  extraTokens?: readonly { text: string; type: number }[];
}

function entry(key: string, type: string, value: GgufJsValue): GgufMetadataEntry | undefined {
  const arr = /^array<(\w+)>$/.exec(type);
  if (arr) {
    if (arr[1] === 'array' || !Array.isArray(value)) return undefined;
    return { key, type: 'array', value: { itemType: arr[1] as GgufScalarType, items: value as (string | number | boolean)[] } };
  }
  return { key, type: type as GgufScalarType, value: value as string | number | boolean };
}

export async function deriveVocab(src: string, dst: string, options: DeriveOptions = {}): Promise<void> {
  const info = await inspectModel(src);
  const metadata: GgufMetadataEntry[] = [{ key: 'general.architecture', type: 'string', value: 'llama' }];
  const name = options.name ?? info.metadata['general.name'];
  if (name !== undefined) metadata.push({ key: 'general.name', type: 'string', value: String(name) });
  const extra = options.extraTokens ?? [];
  for (const [key, value] of Object.entries(info.metadata)) {
    if (!key.startsWith('tokenizer.') || key === 'tokenizer.ggml.pre') continue;
    let v = value;
    if (extra.length > 0 && Array.isArray(value)) {
      if (key === 'tokenizer.ggml.tokens') v = [...value, ...extra.map((t) => t.text)];
      else if (key === 'tokenizer.ggml.token_type') v = [...value, ...extra.map((t) => t.type)];
      else if (key === 'tokenizer.ggml.scores') v = [...value, ...extra.map(() => 0)];
    }
    const e = entry(key, info.metadataTypes[key], v);
    if (e) metadata.push(e);
  }
  const pre = options.pre ?? info.metadata['tokenizer.ggml.pre'];
  if (pre !== undefined) metadata.push({ key: 'tokenizer.ggml.pre', type: 'string', value: String(pre) });
  await writeGguf(dst, { metadata });
}

/** A temporary folder removed by the returned cleanup. */
export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

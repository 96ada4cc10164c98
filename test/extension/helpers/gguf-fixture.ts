/**
 * Writes small GGUF v3 files for tests: the header fields and KV pairs the
 * host-side vetting reads, one F32 tensor, aligned data. Not a runnable model.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

type Kv = [string, 'str', string] | [string, 'u32', number] | [string, 'strs', string[]];

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(b.length));
  return Buffer.concat([len, b]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

export interface FixtureOptions {
  arch?: string;
  name?: string;
  tokens?: string[];
  /** tokenizer.ggml.pre */
  pre?: string;
  /** Tensor shape; its element count is the parameter count. */
  dims?: number[];
  tensors?: number;
}

export function ggufBytes(o: FixtureOptions = {}): Buffer {
  const arch = o.arch ?? 'llama';
  const kvs: Kv[] = [
    ['general.architecture', 'str', arch],
    ['general.name', 'str', o.name ?? 'fixture'],
    [`${arch}.context_length`, 'u32', 256],
  ];
  if (o.tokens) kvs.push(['tokenizer.ggml.tokens', 'strs', o.tokens]);
  if (o.pre) kvs.push(['tokenizer.ggml.pre', 'str', o.pre]);
  const parts: Buffer[] = [Buffer.from('GGUF'), u32(3), u64(o.tensors ?? 1), u64(kvs.length)];
  for (const [key, type, value] of kvs) {
    parts.push(str(key));
    if (type === 'str') parts.push(u32(8), str(value as string));
    else if (type === 'u32') parts.push(u32(4), u32(value as number));
    else parts.push(u32(9), u32(8), u64((value as string[]).length), ...(value as string[]).map(str));
  }
  const dims = o.dims ?? [4, 4];
  for (let t = 0; t < (o.tensors ?? 1); t++) {
    parts.push(str(`t${t}.weight`), u32(dims.length), ...dims.map(u64), u32(0), u64(0));
  }
  const head = Buffer.concat(parts);
  const pad = (32 - (head.length % 32)) % 32;
  return Buffer.concat([head, Buffer.alloc(pad), Buffer.alloc(4 * dims.reduce((a, b) => a * b, 1))]);
}

export function writeGguf(dir: string, name: string, o: FixtureOptions = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  const p = path.join(dir, name);
  fs.writeFileSync(p, ggufBytes(o));
  return p;
}

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `hearth-${tag}-`));
}

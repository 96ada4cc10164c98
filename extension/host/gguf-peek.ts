/**
 * Reads just enough of a GGUF (or a .llamafile holding one) to vet it before
 * loading: version, architecture, name, context length, parameter count and
 * whether the vocabulary has FIM tokens. Every read is bounds-checked; a bad
 * file gives an EngineError with the E_GGUF_* code the native reader uses for
 * the same fault, naming what was wrong. The full reader is the native gguf
 * module; this one reads headers without native code, to describe models and
 * refuse bad files early.
 *
 * Why not @huggingface/gguf here (it stays, as the independent oracle the GGUF
 * tests compare both readers with): it turns every metadata array into JS
 * values, so a 152k-token vocabulary costs it about 5x this reader's time
 * (1.5B Q4_K_M file: 700 vs 141 ms median of 5 on a 2-core EPYC, per model in
 * a discovery list); it wants the GGUF magic at byte 0, so a .llamafile is
 * refused; and its faults are plain messages, where the picker and the loader
 * must give the same E_GGUF_* code. The addon's own reader is not an option in
 * the extension host (a native fault there would take the host down).
 */
import * as fs from 'fs';
import { EngineError } from '../engine/errors';
import { detectFimFormat, isMellumPre, type FimFamily } from '../engine/fim';

export interface GgufSummary {
  version: number;
  architecture: string;
  name: string;
  contextLength: number | null;
  parameters: number;
  fim: FimFamily | null;
  repoLevelFim: boolean;
  fileType: number | null;
  sizeBytes: number;
  /** Byte offset of the GGUF inside the file (non-zero in a llamafile). */
  offset: number;
}

const MAX_STRING = 1 << 24;
const MAX_COUNT = 1 << 26;

class Reader {
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  pos: number;

  constructor(private readonly fd: number, private readonly size: number, start: number) {
    this.pos = start;
  }

  private need(n: number): Buffer {
    if (this.pos + n > this.size) throw new EngineError('E_GGUF_TRUNCATED', `the file ends early (needed ${n} bytes at offset ${this.pos})`);
    if (this.pos < this.bufStart || this.pos + n > this.bufStart + this.buf.length) {
      const len = Math.min(Math.max(n, 1 << 20), this.size - this.pos);
      this.buf = Buffer.alloc(len);
      fs.readSync(this.fd, this.buf, 0, len, this.pos);
      this.bufStart = this.pos;
    }
    const at = this.pos - this.bufStart;
    this.pos += n;
    return this.buf.subarray(at, at + n);
  }

  u8 = (): number => this.need(1).readUInt8(0);
  u16 = (): number => this.need(2).readUInt16LE(0);
  u32 = (): number => this.need(4).readUInt32LE(0);
  i32 = (): number => this.need(4).readInt32LE(0);
  u64 = (): number => {
    const v = this.need(8).readBigUInt64LE(0);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new EngineError('E_GGUF_TOO_MANY', `implausible 64-bit value at offset ${this.pos - 8}`);
    return Number(v);
  };
  skip(n: number): void {
    if (this.pos + n > this.size) throw new EngineError('E_GGUF_TRUNCATED', `the file ends early (skipping ${n} bytes at offset ${this.pos})`);
    this.pos += n;
  }
  str(count: () => number): string {
    const n = count();
    if (n > MAX_STRING) throw new EngineError('E_GGUF_BAD_STRING', `implausible string length ${n} at offset ${this.pos}`);
    return this.need(n).toString('utf8');
  }
}

// GGUF metadata value types.
const SCALAR_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
const T_STRING = 8;
const T_ARRAY = 9;

/** Finds the GGUF inside a file: at 0, or (llamafile) as a stored zip entry. */
function findGgufStart(fd: number, size: number): number {
  const head = Buffer.alloc(4);
  fs.readSync(fd, head, 0, 4, 0);
  if (head.toString('latin1') === 'GGUF') return 0;
  // A llamafile is an executable with a zip appended; look for a stored entry
  // whose data starts with GGUF. Scan the last 64 MiB in 1 MiB steps.
  const step = 1 << 20;
  const buf = Buffer.alloc(step + 3);
  for (let at = Math.max(0, size - 64 * step); at < size; at += step) {
    const n = fs.readSync(fd, buf, 0, Math.min(buf.length, size - at), at);
    const i = buf.subarray(0, n).indexOf('GGUF');
    if (i >= 0) {
      const at2 = at + i;
      const ver = Buffer.alloc(4);
      fs.readSync(fd, ver, 0, 4, at2 + 4);
      const v = ver.readUInt32LE(0);
      if (v >= 1 && v <= 3) return at2;
    }
  }
  throw new EngineError('E_GGUF_BAD_MAGIC', 'this is not a GGUF model file (no GGUF header found)');
}

/** What a non-regular path is, in words for an error message. */
export function fileKind(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/**
 * Opens a model path for reading only if it is a regular file. Checked
 * before open(): opening a FIFO blocks until a writer comes, and this runs on
 * the extension host's only thread. lstat names what the path itself is, stat
 * what a link leads to; O_NONBLOCK is a second guard should the path be
 * swapped for a FIFO between the check and the open, and fstat confirms what
 * was opened.
 */
export function openRegularFile(filePath: string): { fd: number; stat: fs.Stats } {
  let target: fs.Stats;
  try {
    const own = fs.lstatSync(filePath);
    target = own.isSymbolicLink() ? fs.statSync(filePath) : own;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new EngineError('E_IO_NOT_FOUND', `no file at ${filePath}`);
    throw new EngineError('E_IO_OPEN', `cannot open ${filePath} (${code})`);
  }
  if (!target.isFile()) throw new EngineError('E_IO_OPEN', `${filePath} is ${fileKind(target)}, not a regular file; a model must be a .gguf file`);
  let fd: number;
  try {
    fd = fs.openSync(filePath, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new EngineError('E_IO_NOT_FOUND', `no file at ${filePath}`);
    throw new EngineError('E_IO_OPEN', `cannot open ${filePath} (${code})`);
  }
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) {
    fs.closeSync(fd);
    throw new EngineError('E_IO_OPEN', `${filePath} is ${fileKind(stat)}, not a regular file; a model must be a .gguf file`);
  }
  return { fd, stat };
}

export function peekGguf(filePath: string): GgufSummary {
  const { fd, stat } = openRegularFile(filePath);
  try {
    if (stat.size < 16) throw new EngineError('E_GGUF_TRUNCATED', 'the file is too small to be a GGUF model');
    const start = findGgufStart(fd, stat.size);
    const r = new Reader(fd, stat.size, start + 4);
    const version = r.u32();
    if (version < 1 || version > 3) throw new EngineError('E_GGUF_BAD_VERSION', `unsupported GGUF version ${version}`);
    // v1 stores counts and lengths as u32, v2+ as u64.
    const count = version === 1 ? r.u32 : r.u64;
    const nTensors = count();
    const nKv = count();
    if (nTensors > MAX_COUNT || nKv > MAX_COUNT) throw new EngineError('E_GGUF_TOO_MANY', 'implausible tensor or key count');
    const kv = new Map<string, unknown>();
    const fimTokens = new Set<string>();
    const readValue = (type: number, key: string, depth: number): unknown => {
      if (type === T_STRING) return r.str(count);
      if (type === T_ARRAY) {
        if (depth > 2) throw new EngineError('E_GGUF_NESTING', `arrays nested too deep in ${key}`);
        const et = r.u32();
        const n = count();
        if (n > MAX_COUNT) throw new EngineError('E_GGUF_TOO_MANY', `implausible array length in ${key}`);
        if (key === 'tokenizer.ggml.tokens' && et === T_STRING) {
          for (let i = 0; i < n; i++) {
            const t = r.str(count);
            if (t.length < 24 && /fim|PRE>|MID>|SUF>|SUFFIX\]|PREFIX\]|file_sep|filename/.test(t)) fimTokens.add(t);
          }
          return n;
        }
        if (SCALAR_SIZE[et] !== undefined) {
          r.skip(SCALAR_SIZE[et] * n);
          return n;
        }
        for (let i = 0; i < n; i++) readValue(et, key, depth + 1);
        return n;
      }
      const sz = SCALAR_SIZE[type];
      if (sz === undefined) throw new EngineError('E_GGUF_BAD_VALUE_TYPE', `unknown value type ${type} for key ${key}`);
      switch (type) {
        case 4: return r.u32();
        case 5: return r.i32();
        case 10: return r.u64();
        default: r.skip(sz); return null;
      }
    };
    for (let i = 0; i < nKv; i++) {
      const key = r.str(count);
      const type = r.u32();
      kv.set(key, readValue(type, key, 0));
    }
    let parameters = 0;
    for (let i = 0; i < nTensors; i++) {
      r.str(count);
      const nDims = r.u32();
      if (nDims < 1 || nDims > 4) throw new EngineError('E_GGUF_BAD_DIMS', `tensor ${i} has ${nDims} dimensions`);
      let elems = 1;
      for (let d = 0; d < nDims; d++) elems *= count();
      parameters += elems;
      r.u32(); // type
      r.u64(); // offset
    }
    const arch = kv.get('general.architecture');
    if (typeof arch !== 'string') throw new EngineError('E_GGUF_KEY_MISSING', 'the file has no general.architecture key');
    const ctx = kv.get(`${arch}.context_length`);
    const name = kv.get('general.name');
    const fileType = kv.get('general.file_type');
    const pre = kv.get('tokenizer.ggml.pre');
    return {
      version,
      architecture: arch,
      name: typeof name === 'string' ? name : '',
      contextLength: typeof ctx === 'number' ? ctx : null,
      parameters,
      fim: detectFimFormat((t) => fimTokens.has(t), typeof pre === 'string' ? pre : undefined),
      repoLevelFim: fimTokens.has('<|file_sep|>') || fimTokens.has('<file_sep>') || (isMellumPre(pre as string) && fimTokens.has('<filename>')),
      fileType: typeof fileType === 'number' ? fileType : null,
      sizeBytes: stat.size,
      offset: start,
    };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes GGUF files (v3 by default; v1 and v2 for loader tests). Used by
 * tests, the quantizer and synthetic benchmark models.
 *
 *   await writeGguf(path, {
 *     metadata: [{ key: 'general.architecture', type: 'string', value: 'llama' },
 *                { key: 'tokenizer.ggml.tokens', type: 'array', value: { itemType: 'string', items: ['a', 'b'] } }],
 *     tensors: [{ name: 'w', type: 'Q4_0', shape: [64, 2], data }],
 *   });
 *
 * Layout (the GGUF spec): header, KVs, tensor infos, zero padding to
 * general.alignment (default 32), then each tensor's bytes at an aligned
 * offset. Tensors without `data` are zeros; writeGguf leaves them as holes,
 * so a multi-GiB file costs no disk or time (sparse).
 */
import * as fs from 'fs';
import { ByteWriter } from './byte-writer';
import { ggmlTensorBytes, ggmlType } from './ggml-types';

export type GgufScalarType =
  | 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32'
  | 'bool' | 'string' | 'uint64' | 'int64' | 'float64';
export type GgufValueType = GgufScalarType | 'array';
/** bigint or a decimal string for 64-bit values beyond 2^53. */
export type GgufScalar = number | bigint | string | boolean;

/** An array value: items of one type; for itemType 'array', items are arrays themselves. */
export interface GgufArrayValue {
  itemType: GgufValueType;
  items: readonly (GgufScalar | GgufArrayValue)[];
}

export type GgufMetadataEntry =
  | { key: string; type: GgufScalarType; value: GgufScalar }
  | { key: string; type: 'array'; value: GgufArrayValue };

export interface GgufTensorSpec {
  name: string;
  /** ggml type id (2) or name ("Q4_0"). */
  type: number | string;
  /** ggml ne order: shape[0] is the row length. */
  shape: readonly number[];
  /** The tensor's bytes; absent means zeros (a hole in a written file). */
  data?: Uint8Array;
  /** Overrides the computed data-section offset (for deliberately broken files). */
  offset?: number;
  /** Overrides the computed byte size (needed for unknown type ids). */
  nBytes?: number;
}

export interface GgufFileSpec {
  /** 3 by default. v1 stores counts, lengths and dims as u32. */
  version?: 1 | 2 | 3;
  metadata?: readonly GgufMetadataEntry[];
  tensors?: readonly GgufTensorSpec[];
  /** true by default; false writes whatever it is given (corrupt-file tests). */
  validate?: boolean;
}

export interface GgufLayout {
  /** Everything before the data section, padding included. */
  header: Uint8Array;
  alignment: number;
  /** = header.length */
  dataOffset: number;
  /** Per tensor, relative to the data section. */
  tensorOffsets: number[];
  tensorBytes: number[];
  fileSize: number;
}

export const GGUF_TYPE_IDS: Readonly<Record<GgufValueType, number>> = {
  uint8: 0, int8: 1, uint16: 2, int16: 3, uint32: 4, int32: 5, float32: 6,
  bool: 7, string: 8, array: 9, uint64: 10, int64: 11, float64: 12,
};

const INT_RANGES: Partial<Record<GgufScalarType, [bigint, bigint]>> = {
  uint8: [0n, 0xffn], int8: [-0x80n, 0x7fn], uint16: [0n, 0xffffn], int16: [-0x8000n, 0x7fffn],
  uint32: [0n, 0xffffffffn], int32: [-0x80000000n, 0x7fffffffn],
  uint64: [0n, 0xffffffffffffffffn], int64: [-0x8000000000000000n, 0x7fffffffffffffffn],
};

const DEFAULT_ALIGNMENT = 32;
const utf8 = new TextEncoder();

class GgufEncoder {
  readonly w = new ByteWriter();
  constructor(private readonly version: number, private readonly validate: boolean) {}

  count(n: number): void {
    if (this.version === 1) this.w.u32(n);
    else this.w.u64(BigInt(n));
  }

  string(s: string): void {
    const b = utf8.encode(s);
    this.count(b.length);
    this.w.bytes(b);
  }

  private integer(type: GgufScalarType, v: GgufScalar, where: string): bigint {
    if (typeof v === 'boolean') throw new Error(`${where}: ${type} value must be a number, bigint or string`);
    let big: bigint;
    try {
      big = BigInt(v);
    } catch {
      throw new Error(`${where}: ${String(v)} is not an integer`);
    }
    const range = INT_RANGES[type];
    if (this.validate && range && (big < range[0] || big > range[1])) {
      throw new Error(`${where}: ${String(v)} is out of range for ${type}`);
    }
    return big;
  }

  scalar(type: GgufScalarType, v: GgufScalar, where: string): void {
    const w = this.w;
    switch (type) {
      case 'uint8': w.u8(Number(this.integer(type, v, where) & 0xffn)); break;
      case 'int8': w.i8(Number(BigInt.asIntN(8, this.integer(type, v, where)))); break;
      case 'uint16': w.u16(Number(this.integer(type, v, where) & 0xffffn)); break;
      case 'int16': w.i16(Number(BigInt.asIntN(16, this.integer(type, v, where)))); break;
      case 'uint32': w.u32(Number(this.integer(type, v, where) & 0xffffffffn)); break;
      case 'int32': w.i32(Number(BigInt.asIntN(32, this.integer(type, v, where)))); break;
      case 'uint64': w.u64(this.integer(type, v, where)); break;
      case 'int64': w.i64(this.integer(type, v, where)); break;
      case 'float32': w.f32(Number(v)); break;
      case 'float64': w.f64(Number(v)); break;
      case 'bool':
        if (this.validate && typeof v !== 'boolean') throw new Error(`${where}: bool value must be a boolean`);
        w.u8(v ? 1 : 0);
        break;
      case 'string':
        if (typeof v !== 'string') throw new Error(`${where}: string value must be a string`);
        this.string(v);
        break;
    }
  }

  array(a: GgufArrayValue, where: string): void {
    this.w.u32(GGUF_TYPE_IDS[a.itemType]);
    this.count(a.items.length);
    a.items.forEach((item, i) => this.value(a.itemType, item, `${where}[${i}]`));
  }

  value(type: GgufValueType, v: GgufScalar | GgufArrayValue, where: string): void {
    if (type === 'array') {
      if (typeof v !== 'object' || v === null || !Array.isArray((v as GgufArrayValue).items)) {
        throw new Error(`${where}: array value must be { itemType, items }`);
      }
      this.array(v as GgufArrayValue, where);
    } else {
      if (typeof v === 'object') throw new Error(`${where}: ${type} value must not be an object`);
      this.scalar(type, v, where);
    }
  }
}

function alignmentOf(metadata: readonly GgufMetadataEntry[]): number {
  const entry = metadata.find((m) => m.key === 'general.alignment');
  if (!entry) return DEFAULT_ALIGNMENT;
  const a = Number(entry.value);
  // A bad alignment still encodes (validate: false); offsets then use the default.
  return entry.type === 'uint32' && a > 0 && (a & (a - 1)) === 0 ? a : DEFAULT_ALIGNMENT;
}

function tensorBytes(t: GgufTensorSpec, validate: boolean): number {
  if (t.nBytes !== undefined) return t.nBytes;
  const geom = ggmlType(t.type);
  if (!geom) {
    if (validate) throw new Error(`tensor '${t.name}': unknown ggml type ${String(t.type)}`);
    return t.data?.length ?? 0;
  }
  if (!validate && (t.shape[0] ?? 1) % geom.blockElems !== 0) return t.data?.length ?? 0;
  return ggmlTensorBytes(geom, t.shape);
}

function validateSpec(spec: GgufFileSpec): void {
  const keys = new Set<string>();
  for (const m of spec.metadata ?? []) {
    if (keys.has(m.key)) throw new Error(`duplicate metadata key '${m.key}'`);
    keys.add(m.key);
  }
  const align = (spec.metadata ?? []).find((m) => m.key === 'general.alignment');
  if (align) {
    const a = Number(align.value);
    if (align.type !== 'uint32' || !(a > 0) || (a & (a - 1)) !== 0) {
      throw new Error('general.alignment must be a uint32 power of two');
    }
  }
  const names = new Set<string>();
  for (const t of spec.tensors ?? []) {
    if (names.has(t.name)) throw new Error(`duplicate tensor name '${t.name}'`);
    names.add(t.name);
    if (t.shape.length < 1 || t.shape.length > 4) throw new Error(`tensor '${t.name}': needs 1 to 4 dims`);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d > 0)) {
      throw new Error(`tensor '${t.name}': dims must be positive integers`);
    }
  }
}

/** Encodes everything before the data section and lays the tensors out. Pure. */
export function encodeGgufHeader(spec: GgufFileSpec): GgufLayout {
  const version = spec.version ?? 3;
  const validate = spec.validate ?? true;
  const metadata = spec.metadata ?? [];
  const tensors = spec.tensors ?? [];
  if (validate) validateSpec(spec);
  const alignment = alignmentOf(metadata);

  const tensorBytesList = tensors.map((t) => tensorBytes(t, validate));
  const tensorOffsets: number[] = [];
  let cursor = 0;
  tensors.forEach((t, i) => {
    const size = tensorBytesList[i] as number;
    if (validate && t.data && t.data.length !== size) {
      throw new Error(`tensor '${t.name}': data has ${t.data.length} bytes, the type and shape need ${size}`);
    }
    const offset = t.offset ?? cursor;
    tensorOffsets.push(offset);
    // Unvalidated specs may carry more data than the shape needs: keep it all.
    cursor = Math.max(cursor, offset + Math.max(size, t.data?.length ?? 0));
    cursor += (alignment - (cursor % alignment)) % alignment;
  });

  const enc = new GgufEncoder(version, validate);
  const w = enc.w;
  w.bytes(utf8.encode('GGUF'));
  w.u32(version);
  enc.count(tensors.length);
  enc.count(metadata.length);
  for (const m of metadata) {
    enc.string(m.key);
    w.u32(GGUF_TYPE_IDS[m.type]);
    enc.value(m.type, m.value, `metadata '${m.key}'`);
  }
  tensors.forEach((t, i) => {
    enc.string(t.name);
    w.u32(t.shape.length);
    for (const d of t.shape) enc.count(d);
    const geom = ggmlType(t.type);
    w.u32(typeof t.type === 'number' ? t.type : (geom?.id ?? 0xffffffff));
    w.u64(BigInt(tensorOffsets[i] as number));
  });
  w.padTo(alignment);
  const header = w.finish();
  return {
    header,
    alignment,
    dataOffset: header.length,
    tensorOffsets,
    tensorBytes: tensorBytesList,
    fileSize: header.length + cursor,
  };
}

/** The whole file in memory: for small files (tests, fuzz seeds). */
export function encodeGguf(spec: GgufFileSpec): Uint8Array {
  const layout = encodeGgufHeader(spec);
  const out = new Uint8Array(layout.fileSize);
  out.set(layout.header, 0);
  (spec.tensors ?? []).forEach((t, i) => {
    if (t.data) out.set(t.data, layout.dataOffset + (layout.tensorOffsets[i] as number));
  });
  return out;
}

/**
 * Writes the file tensor by tensor (never the whole file in memory).
 * Tensors without data become holes: the file is sparse where supported.
 */
export async function writeGguf(path: string, spec: GgufFileSpec): Promise<GgufLayout> {
  const layout = encodeGgufHeader(spec);
  const fh = await fs.promises.open(path, 'w');
  try {
    await fh.write(layout.header, 0, layout.header.length, 0);
    const tensors = spec.tensors ?? [];
    for (let i = 0; i < tensors.length; i++) {
      const data = (tensors[i] as GgufTensorSpec).data;
      if (data && data.length > 0) {
        await fh.write(data, 0, data.length, layout.dataOffset + (layout.tensorOffsets[i] as number));
      }
    }
    await fh.truncate(layout.fileSize);
  } finally {
    await fh.close();
  }
  return layout;
}

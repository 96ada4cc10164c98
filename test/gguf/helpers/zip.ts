/**
 * Builds zip archives byte by byte (the `zip` CLI may be absent): local
 * headers, central directory, end record, optionally zip64 records. Stored
 * entries can be padded with an extra field so their data lands on an
 * alignment boundary, as llamafile's zipalign does.
 */
import * as zlib from 'zlib';

export interface ZipEntryInput {
  name: string;
  data: Uint8Array;
  /** 0 stored (default), 8 deflated. */
  method?: 0 | 8;
  /** Pad the local header's extra field so the data starts at a multiple of this. */
  align?: number;
  /** Instead of aligning, start the data this many bytes past a multiple of `align`. */
  misalignBy?: number;
}

export interface ZipBuildOptions {
  /** Bytes before the first local header (a llamafile's executable stub). */
  prefix?: Uint8Array;
  /** Write zip64 records and all-ones 32-bit fields. */
  zip64?: boolean;
}

export interface ZipBuilt {
  bytes: Uint8Array;
  /** Where each entry's data starts in the archive. */
  dataOffsets: number[];
}

class Bytes {
  readonly parts: Buffer[] = [];
  length = 0;
  push(b: Uint8Array): void {
    this.parts.push(Buffer.from(b));
    this.length += b.length;
  }
  u16(v: number): void { const b = Buffer.alloc(2); b.writeUInt16LE(v); this.push(b); }
  u32(v: number): void { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); this.push(b); }
  u64(v: number): void { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); this.push(b); }
}

const ALL16 = 0xffff;
const ALL32 = 0xffffffff;

export function buildZip(entries: ZipEntryInput[], opts: ZipBuildOptions = {}): ZipBuilt {
  const out = new Bytes();
  if (opts.prefix) out.push(opts.prefix);
  const central = new Bytes();
  const dataOffsets: number[] = [];
  for (const e of entries) {
    const method = e.method ?? 0;
    const payload = method === 8 ? zlib.deflateRawSync(e.data) : e.data;
    const crc = zlib.crc32(e.data);
    const name = Buffer.from(e.name, 'utf8');
    const localOffset = out.length;
    let extra: Buffer = Buffer.alloc(0);
    if (e.align) {
      // Padding extra field: 2-byte id, 2-byte length, zeros.
      const before = localOffset + 30 + name.length + 4;
      let pad = (e.align - (before % e.align)) % e.align;
      if (e.misalignBy) pad += e.misalignBy;
      extra = Buffer.alloc(4 + pad);
      extra.writeUInt16LE(0xd935, 0);
      extra.writeUInt16LE(pad, 2);
    }
    out.u32(0x04034b50);
    out.u16(opts.zip64 ? 45 : 20);
    out.u16(0);
    out.u16(method);
    out.u16(0);
    out.u16(0x21);
    out.u32(crc);
    out.u32(payload.length);
    out.u32(e.data.length);
    out.u16(name.length);
    out.u16(extra.length);
    out.push(name);
    out.push(extra);
    dataOffsets.push(out.length);
    out.push(payload);

    const zip64Extra = Buffer.alloc(opts.zip64 ? 4 + 24 : 0);
    if (opts.zip64) {
      zip64Extra.writeUInt16LE(0x0001, 0);
      zip64Extra.writeUInt16LE(24, 2);
      zip64Extra.writeBigUInt64LE(BigInt(e.data.length), 4);
      zip64Extra.writeBigUInt64LE(BigInt(payload.length), 12);
      zip64Extra.writeBigUInt64LE(BigInt(localOffset), 20);
    }
    central.u32(0x02014b50);
    central.u16(opts.zip64 ? 45 : 20);
    central.u16(opts.zip64 ? 45 : 20);
    central.u16(0);
    central.u16(method);
    central.u16(0);
    central.u16(0x21);
    central.u32(crc);
    central.u32(opts.zip64 ? ALL32 : payload.length);
    central.u32(opts.zip64 ? ALL32 : e.data.length);
    central.u16(name.length);
    central.u16(zip64Extra.length);
    central.u16(0);
    central.u16(0);
    central.u16(0);
    central.u32(0);
    central.u32(opts.zip64 ? ALL32 : localOffset);
    central.push(name);
    central.push(zip64Extra);
  }
  const cdOffset = out.length;
  for (const p of central.parts) out.push(p);
  const cdSize = central.length;
  if (opts.zip64) {
    const eocd64 = out.length;
    out.u32(0x06064b50);
    out.u64(44);
    out.u16(45);
    out.u16(45);
    out.u32(0);
    out.u32(0);
    out.u64(entries.length);
    out.u64(entries.length);
    out.u64(cdSize);
    out.u64(cdOffset);
    out.u32(0x07064b50);
    out.u32(0);
    out.u64(eocd64);
    out.u32(1);
  }
  out.u32(0x06054b50);
  out.u16(0);
  out.u16(0);
  out.u16(opts.zip64 ? ALL16 : entries.length);
  out.u16(opts.zip64 ? ALL16 : entries.length);
  out.u32(opts.zip64 ? ALL32 : cdSize);
  out.u32(opts.zip64 ? ALL32 : cdOffset);
  out.u16(0);
  return { bytes: new Uint8Array(Buffer.concat(out.parts)), dataOffsets };
}

/** A growable little-endian byte buffer for building GGUF headers. */
export class ByteWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  get length(): number {
    return this.len;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void { this.reserve(1); this.view.setUint8(this.len, v); this.len += 1; }
  i8(v: number): void { this.reserve(1); this.view.setInt8(this.len, v); this.len += 1; }
  u16(v: number): void { this.reserve(2); this.view.setUint16(this.len, v, true); this.len += 2; }
  i16(v: number): void { this.reserve(2); this.view.setInt16(this.len, v, true); this.len += 2; }
  u32(v: number): void { this.reserve(4); this.view.setUint32(this.len, v, true); this.len += 4; }
  i32(v: number): void { this.reserve(4); this.view.setInt32(this.len, v, true); this.len += 4; }
  f32(v: number): void { this.reserve(4); this.view.setFloat32(this.len, v, true); this.len += 4; }
  f64(v: number): void { this.reserve(8); this.view.setFloat64(this.len, v, true); this.len += 8; }
  u64(v: bigint): void { this.reserve(8); this.view.setBigUint64(this.len, BigInt.asUintN(64, v), true); this.len += 8; }
  i64(v: bigint): void { this.reserve(8); this.view.setBigInt64(this.len, BigInt.asIntN(64, v), true); this.len += 8; }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Zero bytes up to the next multiple of `align`. */
  padTo(align: number): void {
    const pad = (align - (this.len % align)) % align;
    this.reserve(pad);
    this.buf.fill(0, this.len, this.len + pad);
    this.len += pad;
  }

  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

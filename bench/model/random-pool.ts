/**
 * Fast deterministic "random" weights: one pool of N(0, 1) values drawn once
 * from a seeded generator, and each row a window of it at a pseudo-random
 * offset. Rows differ, every run and machine gets the same bytes, and a
 * 1.5B-parameter model costs a memcpy per row instead of a Box-Muller per value.
 */

/** mulberry32: a small seeded 32-bit generator; returns values in (0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

export class RowPool {
  private readonly pool: Float32Array;
  private readonly span: number;

  /** span: distinct window starts; maxRow: the longest row asked for. */
  constructor(seed: number, maxRow: number, span = 1 << 20) {
    this.span = span;
    this.pool = new Float32Array(span + maxRow);
    const u = mulberry32(seed);
    for (let i = 0; i < this.pool.length; i += 2) {
      const r = Math.sqrt(-2 * Math.log(u()));
      const th = 2 * Math.PI * u();
      this.pool[i] = r * Math.cos(th);
      if (i + 1 < this.pool.length) this.pool[i + 1] = r * Math.sin(th);
    }
  }

  /** Writes rows [row0, row0 + nRows) of tensor `tensorIndex` into out ([nRows][cols]) as mean + std(row) * N(0,1). */
  fill(out: Float32Array, tensorIndex: number, row0: number, nRows: number, cols: number, std: number | ((row: number) => number), mean = 0): void {
    if (cols > this.pool.length - this.span) throw new Error(`row of ${cols} is longer than the pool allows`);
    const stdOf = typeof std === 'number' ? () => std : std;
    for (let r = 0; r < nRows; r++) {
      const sd = stdOf(row0 + r);
      const off = hash2(tensorIndex, row0 + r) % this.span;
      const src = this.pool.subarray(off, off + cols);
      const dst = out.subarray(r * cols, (r + 1) * cols);
      for (let c = 0; c < cols; c++) dst[c] = mean + sd * src[c];
    }
  }
}

/** A 32-bit mix of two integers (murmur3 finaliser). */
export function hash2(a: number, b: number): number {
  let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

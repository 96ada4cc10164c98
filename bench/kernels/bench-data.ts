/** What the kernel benchmarks share: a median and seeded uniform data in [-1, 1). Pure. */

export function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

/** n floats from a 32-bit LCG seeded with `seed`: the same data on every run. */
export function randomWeights(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2147483648 - 1;
  }
  return a;
}

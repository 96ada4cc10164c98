/** Shared helpers for the kernel tests: seeded data, float64 references, NMSE. */
import type { CpuLevelName } from '../helpers/native-cpu';
import { loadTestingBinding } from '../helpers/testing-binding';

export const cpu = loadTestingBinding();

/** Levels this CPU runs, generic first. */
export function runnableLevels(): CpuLevelName[] {
  return cpu.cpuInfo().levels.filter((l) => l.supported).map((l) => l.name);
}

/** Deterministic xorshift32 generator: uniform in [-1, 1). */
export function makeRng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2147483648 - 1;
  };
}

export function randomArray(n: number, seed: number, scale = 1): Float32Array {
  const rng = makeRng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng() * scale;
  return a;
}

/** NaN-filled output, so an element a kernel forgot to write shows up. */
export function poisoned(n: number): Float32Array {
  return new Float32Array(n).fill(NaN);
}

/** Normalized mean squared error of got against a float64 reference. Any NaN gives Infinity. */
export function nmse(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  let err = 0;
  let sig = 0;
  for (let i = 0; i < ref.length; i++) {
    if (Number.isNaN(got[i])) return Infinity;
    err += (got[i] - ref[i]) ** 2;
    sig += ref[i] ** 2;
  }
  return sig === 0 ? err : err / sig;
}

export function countNaN(a: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < a.length; i++) if (Number.isNaN(a[i])) c++;
  return c;
}

/** IEEE binary16 bits -> number, written from the format definition (independent of the addon). */
export function f16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const man = h & 0x3ff;
  if (exp === 0) return sign * man * 2 ** -24;
  if (exp === 0x1f) return man ? NaN : sign * Infinity;
  return sign * (1 + man / 1024) * 2 ** (exp - 15);
}

/** number -> nearest binary16 bits (ties to even); finite normal/subnormal range only. */
export function numberToF16(x: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === 0) return sign;
  let exp = Math.floor(Math.log2(a));
  if (exp < -14) exp = -14;
  const unit = 2 ** (exp - 10);
  let q = a / unit;
  const fl = Math.floor(q);
  const rem = q - fl;
  q = rem > 0.5 || (rem === 0.5 && fl % 2 === 1) ? fl + 1 : fl;
  // q in [1024, 2048] for normals (2048 carries into the next exponent)
  if (q >= 2048) { q /= 2; exp += 1; }
  if (q < 1024) return sign | q; // subnormal
  return sign | ((exp + 15) << 10) | (q - 1024);
}

/**
 * y[n][m] = x[n][k] · W[m][k]^T in float64, W given dequantized. energy is
 * Σ over outputs of Σ_l (w·x)²: what Σ y² is on average for random signs,
 * but immune to the cancellation that makes a single small output's
 * relative error meaningless. Error is normalized by it.
 */
export function matmulRef(w: Float32Array, m: number, k: number, x: Float32Array, n: number): { y: Float64Array; energy: number } {
  const y = new Float64Array(n * m);
  let energy = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) {
      let s = 0;
      const wo = i * k;
      const xo = j * k;
      for (let l = 0; l < k; l++) {
        const p = w[wo + l] * x[xo + l];
        s += p;
        energy += p * p;
      }
      y[j * m + i] = s;
    }
  }
  return { y, energy };
}

/** Σ (got - ref)² / energy; any NaN gives Infinity. */
export function errorOverEnergy(got: ArrayLike<number>, ref: ArrayLike<number>, energy: number): number {
  let err = 0;
  for (let i = 0; i < ref.length; i++) {
    if (Number.isNaN(got[i])) return Infinity;
    err += (got[i] - ref[i]) ** 2;
  }
  return err / energy;
}

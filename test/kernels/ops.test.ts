/**
 * RMSNorm, softmax, SiLU/GELU/SwiGLU, add/mul, RoPE and attention over an
 * F16 KV cache, on every table this CPU runs, against float64 references.
 */
import { strict as assert } from 'assert';
import { cpu, runnableLevels, randomArray, poisoned, nmse, countNaN, makeRng, f16ToNumber, numberToF16 } from './kernel-helpers';

const N = 1000; // not a multiple of any vector width

function check(got: Float32Array, ref: ArrayLike<number>, bound: number, what: string): void {
  assert.equal(countNaN(got), 0, `${what}: unwritten outputs`);
  const e = nmse(got, ref);
  assert.ok(e < bound, `${what}: nmse ${e.toExponential(2)} >= ${bound}`);
}

describe('kernels: element-wise ops, every table vs float64', () => {
  const levels = runnableLevels();
  const x = randomArray(N, 21, 4);
  const y = randomArray(N, 22, 4);
  const w = randomArray(N, 23);

  it('rmsNorm with and without a weight', () => {
    let ss = 0;
    for (const v of x) ss += v * v;
    const inv = 1 / Math.sqrt(ss / N + 1e-5);
    for (const level of levels) {
      check(cpu.cpuRmsNorm(level, x, w, 1e-5, poisoned(N)), Array.from(x, (v, i) => v * inv * w[i]), 1e-12, `rms ${level}`);
      check(cpu.cpuRmsNorm(level, x, null, 1e-5, poisoned(N)), Array.from(x, (v) => v * inv), 1e-12, `rms ${level} no w`);
    }
  });

  it('softmax, including large logits', () => {
    for (const scale of [1, 200]) {
      const xs = x.map((v) => v * scale);
      const mx = Math.max(...xs);
      const ex = Array.from(xs, (v) => Math.exp(v - mx));
      const s = ex.reduce((a, b) => a + b, 0);
      for (const level of levels) {
        check(cpu.cpuUnary(level, 'softmax', xs, poisoned(N)), ex.map((v) => v / s), 1e-11, `softmax x${scale} ${level}`);
      }
    }
  });

  it('silu, gelu (tanh form read as f16, as ggml), swiglu, add, mul', () => {
    const silu = (v: number): number => v / (1 + Math.exp(-v));
    const gelu = (v: number): number => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    const f16 = (v: number): number => f16ToNumber(numberToF16(v));
    // GELU takes its input as f16 and gives the f16 nearest the exact value
    // (the oracle's table), plain x or 0 beyond +-10; x spans +-4, so scale it to cover both.
    const xg = x.map((v) => v * 3);
    const gelu16 = (v: number): number => (v <= -10 ? 0 : v >= 10 ? v : f16(gelu(f16(v))));
    for (const level of levels) {
      check(cpu.cpuUnary(level, 'silu', x, poisoned(N)), Array.from(x, silu), 1e-12, `silu ${level}`);
      const g = cpu.cpuUnary(level, 'gelu', xg, poisoned(N));
      // The f16 reference exactly, except in the far negative tail, where
      // 1 + tanh(..) cancels in float (in ggml's table too) and outputs are ~1e-6.
      const off = Array.from(g).filter((v, i) => {
        const r = gelu16(xg[i]);
        return Math.abs(r) >= 1e-3 ? v !== r : Math.abs(v - r) > 1e-5;
      }).length;
      assert.equal(off, 0, `gelu ${level}: ${off} of ${N} outputs are not the f16 GELU`);
      check(g, Array.from(xg, gelu), 1e-6, `gelu ${level} vs exact`);
      check(cpu.cpuBinary(level, 'swiglu', x, y, poisoned(N)), Array.from(x, (v, i) => silu(v) * y[i]), 1e-12, `swiglu ${level}`);
      check(cpu.cpuBinary(level, 'add', x, y, poisoned(N)), Array.from(x, (v, i) => v + y[i]), 1e-14, `add ${level}`);
      check(cpu.cpuBinary(level, 'mul', x, y, poisoned(N)), Array.from(x, (v, i) => v * y[i]), 1e-14, `mul ${level}`);
    }
  });

  it('rope: adjacent pairs and NeoX halves, partial rotation, frequency factors', () => {
    const nHead = 3;
    const headDim = 16;
    const q = randomArray(nHead * headDim, 31);
    for (const neox of [false, true]) {
      for (const [nRot, ff] of [[16, null], [8, null], [8, new Float32Array([1, 2, 4, 8])]] as [number, Float32Array | null][]) {
        const pos = 37;
        const base = 10000;
        const fscale = 0.5;
        const want = Array.from(q);
        for (let h = 0; h < nHead; h++) {
          for (let i = 0; i < nRot / 2; i++) {
            let theta = pos * fscale * base ** ((-2 * i) / nRot);
            if (ff) theta /= ff[i];
            const a = h * headDim + (neox ? i : 2 * i);
            const b = h * headDim + (neox ? i + nRot / 2 : 2 * i + 1);
            want[a] = q[a] * Math.cos(theta) - q[b] * Math.sin(theta);
            want[b] = q[a] * Math.sin(theta) + q[b] * Math.cos(theta);
          }
        }
        const got = cpu.cpuRope(q, nHead, headDim, nRot, pos, base, fscale, neox, ff);
        check(got, want, 1e-12, `rope neox=${neox} nRot=${nRot} ff=${ff !== null}`);
        // dims past nRot are untouched
        for (let h = 0; h < nHead; h++) {
          for (let d = nRot; d < headDim; d++) assert.equal(got[h * headDim + d], q[h * headDim + d]);
        }
      }
    }
  });
});

describe('kernels: attention over an F16 KV cache', () => {
  const levels = runnableLevels();

  function f16Array(n: number, seed: number): Uint16Array {
    // random finite halves in about [-1, 1]: sign, exponent 10..15, any mantissa
    const rng = makeRng(seed);
    const a = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const sign = rng() < 0 ? 0x8000 : 0;
      const exp = 10 + Math.floor(((rng() + 1) / 2) * 5.99);
      a[i] = sign | (exp << 10) | Math.floor(((rng() + 1) / 2) * 1023.99);
    }
    return a;
  }

  function reference(q: Float32Array, k: Uint16Array, v: Uint16Array, nTokens: number, nHead: number, nHeadKv: number,
    headDim: number, nKv: number, pos0: number, scale: number): Float64Array {
    const out = new Float64Array(nTokens * nHead * headDim);
    const group = nHead / nHeadKv;
    for (let t = 0; t < nTokens; t++) {
      for (let h = 0; h < nHead; h++) {
        const hk = Math.floor(h / group);
        const visible = Math.min(nKv, pos0 + t + 1);
        const s = new Float64Array(visible);
        for (let p = 0; p < visible; p++) {
          let d = 0;
          for (let i = 0; i < headDim; i++) {
            d += q[(t * nHead + h) * headDim + i] * f16ToNumber(k[(p * nHeadKv + hk) * headDim + i]);
          }
          s[p] = d * scale;
        }
        const mx = Math.max(...s);
        let sum = 0;
        for (let p = 0; p < visible; p++) { s[p] = Math.exp(s[p] - mx); sum += s[p]; }
        for (let i = 0; i < headDim; i++) {
          let acc = 0;
          for (let p = 0; p < visible; p++) acc += s[p] * f16ToNumber(v[(p * nHeadKv + hk) * headDim + i]);
          out[(t * nHead + h) * headDim + i] = acc / sum;
        }
      }
    }
    return out;
  }

  // long context (several 256-position tiles), grouped-query heads, causal prompt rows
  const CASES = [
    { nTokens: 1, nHead: 4, nHeadKv: 4, headDim: 64, nKv: 1, pos0: 0 },
    { nTokens: 1, nHead: 8, nHeadKv: 2, headDim: 64, nKv: 1100, pos0: 1099 },
    { nTokens: 5, nHead: 4, nHeadKv: 2, headDim: 40, nKv: 600, pos0: 595 },
    { nTokens: 3, nHead: 2, nHeadKv: 1, headDim: 8, nKv: 3, pos0: 0 },
    // 64 columns held in registers plus a remainder; Qwen2.5-1.5B's head size
    { nTokens: 2, nHead: 2, nHeadKv: 1, headDim: 72, nKv: 300, pos0: 298 },
    { nTokens: 2, nHead: 6, nHeadKv: 1, headDim: 128, nKv: 70, pos0: 68 },
  ];

  for (const c of CASES) {
    it(`tokens=${c.nTokens} heads=${c.nHead}/${c.nHeadKv} dim=${c.headDim} nKv=${c.nKv}`, () => {
      const q = randomArray(c.nTokens * c.nHead * c.headDim, 41, 2);
      const k = f16Array(c.nKv * c.nHeadKv * c.headDim, 42);
      const v = f16Array(c.nKv * c.nHeadKv * c.headDim, 43);
      const scale = 1 / Math.sqrt(c.headDim);
      const want = reference(q, k, v, c.nTokens, c.nHead, c.nHeadKv, c.headDim, c.nKv, c.pos0, scale);
      for (const level of levels) {
        for (const threads of [1, 2]) {
          const got = cpu.cpuAttention(level, { q, k, v, ...c, scale }, poisoned(q.length), threads);
          check(got, want, 1e-11, `attention ${level} t=${threads}`);
        }
      }
    });
  }

  it('rejects n_head not a multiple of n_head_kv', () => {
    assert.throws(() => cpu.cpuAttention('generic', {
      q: new Float32Array(24), k: new Uint16Array(16), v: new Uint16Array(16),
      nTokens: 1, nHead: 3, nHeadKv: 2, headDim: 8, nKv: 1, pos0: 0,
    }), { code: 'E_INVALID_ARGUMENT' });
  });
});

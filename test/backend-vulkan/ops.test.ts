/**
 * Every Vulkan op against the CPU reference, on device 0 (lavapipe in CI):
 * matmul for each weight format (matrix-vector n = 1 and matrix-matrix n > 1,
 * with subgroup reductions and with the shared-memory fallback, with 8-bit
 * (16-bit for F16/BF16) loads and with word loads; each pipeline compiles
 * once, which is most of this file's time on lavapipe) against a
 * float64 product of the CPU's own dequantized weights; RMSNorm, element-wise
 * ops, softmax, RoPE (normal / NeoX / freq factors), the F16 KV store and GQA
 * causal attention (with and without gpt-oss's sinks) against the CPU kernels
 * (cpu* bindings); gpt-oss's clipped SwiGLU against its formula in float64.
 *
 * Tolerances: the GPU sums in f32 in another order than the references, so
 * errors are bounded relative to the magnitudes summed (matmul: 1e-5 of
 * sum |w x| per output; attention, norm, rope: 1e-5 .. 1e-4 of the values).
 */
import { execFileSync } from 'child_process';
import { strict as assert } from 'assert';
import { cpu, makeRng, randomArray } from '../kernels/kernel-helpers';
import { f16Bits, f16ToF32, probe, skipWithoutVulkan, vk } from './vulkan-binding';
import { testingAddonExpression } from '../helpers/testing-binding';

const TYPES: Record<string, number> = {
  F32: 0, F16: 1, BF16: 30, Q4_0: 2, Q4_1: 3, Q5_0: 6, Q5_1: 7, Q8_0: 8, Q4_K: 12, Q5_K: 13, Q6_K: 14, MXFP4: 39,
};

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function assertClose(got: ArrayLike<number>, ref: ArrayLike<number>, tol: number, what: string): number {
  assert.equal(got.length, ref.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(got[i] - ref[i]);
    if (!(d <= tol)) assert.fail(`${what}: element ${i} is ${got[i]}, reference ${ref[i]} (tolerance ${tol})`);
    worst = Math.max(worst, d);
  }
  return worst;
}

describe('vulkan ops vs the CPU reference', function () {
  before(function () {
    skipWithoutVulkan(this);
  });
  after(() => {
    if (probe().available) {
      vk.vulkanSetSubgroup(true);
      vk.vulkanSet8Bit(true);
      vk.vulkanSet16Bit(true);
    }
  });

  it('probe: a device with a name, a type and memory; the matmul formats', () => {
    const p = probe();
    assert.ok(p.built);
    assert.ok(p.devices.length >= 1);
    for (const d of p.devices) {
      assert.ok(d.name.length > 0);
      assert.ok([1, 2, 3].includes(d.type), `type ${d.type}`);
      assert.ok(d.totalMemory > 0);
      assert.match(d.detail, /^Vulkan 1\.\d+/);
    }
    if (/llvmpipe/.test(p.devices[0].name)) assert.equal(p.devices[0].type, 3, 'lavapipe is a virtual GPU');
    for (const id of Object.values(TYPES)) assert.equal(p.matmulTypes[String(id)], true, `type ${id}`);
    assert.equal(p.matmulTypes['10'], false, 'Q2_K has no kernel');
    assert.equal(p.matmulTypes['11'], false, 'Q3_K has no kernel');
    console.log(`    device: ${p.devices[0].name} (${p.devices[0].detail})`);
  });

  for (const sub of [true, false]) {
    for (const [name, id] of Object.entries(TYPES)) {
     const quant = !['F32', 'F16', 'BF16'].includes(name);
     const halves = name === 'F16' || name === 'BF16';
     // Narrow loads (8-bit for the block formats, 16-bit for F16/BF16) and the
     // reduction are independent: the shared-memory runs use word loads.
     for (const narrow of (quant || halves) && sub ? [true, false] : [false]) {
      const ks = quant ? [512] : [512, 172];
      const loads = quant ? (narrow ? ', 8-bit loads' : ', word loads') : halves ? (narrow ? ', 16-bit loads' : ', word loads') : '';
      const how = `${sub ? 'subgroup' : 'shared-memory'} reduction${loads}`;
      it(`matmul ${name}, ${how}, n = 1, 5, 13; k = ${ks.join(', ')}`, () => {
        assert.equal(vk.vulkanSetSubgroup(sub), sub && probe().subgroup);
        assert.equal(vk.vulkanSet8Bit(narrow), narrow && probe().bytes8);
        assert.equal(vk.vulkanSet16Bit(narrow), narrow && probe().halves16);
        for (const k of ks) {
          const m = 67;
          const wf = randomArray(m * k, 11 + k, 0.5);
          let w: Uint8Array;
          let deq: Float32Array;
          if (name === 'F32') {
            w = new Uint8Array(wf.buffer);
            deq = wf;
          } else if (name === 'F16') {
            const h = new Uint16Array(m * k);
            for (let i = 0; i < h.length; i++) h[i] = f16Bits(wf[i]);
            w = new Uint8Array(h.buffer);
            deq = Float32Array.from(h, f16ToF32);
          } else {
            w = cpu.cpuQuantize(name, wf);
            deq = cpu.cpuDequantize(name, w, m * k);
          }
          for (const n of [1, 5, 13]) {
            const x = randomArray(n * k, 7 * n + k, 1);
            const y = vk.vulkanRunOp('matmul', { type: id, W: w, m, k, n, x });
            assert.equal(y.length, n * m);
            for (let t = 0; t < n; t++) {
              for (let r = 0; r < m; r++) {
                let ref = 0;
                let mag = 0;
                for (let j = 0; j < k; j++) {
                  ref += deq[r * k + j] * x[t * k + j];
                  mag += Math.abs(deq[r * k + j] * x[t * k + j]);
                }
                const got = y[t * m + r];
                if (!(Math.abs(got - ref) <= 1e-5 * mag + 1e-6)) {
                  assert.fail(`${name} k=${k} n=${n}: y[${t}][${r}] = ${got}, reference ${ref}`);
                }
              }
            }
          }
        }
      });
     }
    }
  }

  it('matmul F32 equals the CPU kernel (cpuMatmul) on a 300 x 256 matrix', () => {
    const m = 300, k = 256, n = 3;
    const w = randomArray(m * k, 5, 1);
    const x = randomArray(n * k, 6, 1);
    const got = vk.vulkanRunOp('matmul', { type: 0, W: new Uint8Array(w.buffer), m, k, n, x });
    const ref = cpu.cpuMatmul('generic', 'F32', new Uint8Array(w.buffer), m, k, x, n);
    assertClose(got, ref, 1e-4, 'matmul F32');
  });

  it('matmul: an unsupported weight format is a coded error naming it', () => {
    const w = new Uint8Array(84 * 4);
    assert.throws(
      () => vk.vulkanRunOp('matmul', { type: 10, W: w, m: 4, k: 256, n: 1, x: new Float32Array(256) }),
      (e: Error & { code?: string }) => e.code === 'E_BACKEND_UNSUPPORTED' && /Q2_K/.test(e.message),
    );
  });

  it('buffers: upload/download round trip at an odd offset; an impossible size is a coded error', () => {
    const data = Uint8Array.from({ length: 100003 }, (_, i) => (i * 7 + 3) & 255);
    assert.deepEqual(vk.vulkanBufferRoundTrip(data, 13), data);
    assert.throws(
      () => vk.vulkanBufferAlloc(2 ** 52),
      (e: Error & { code?: string }) => e.code === 'E_BACKEND_OOM' && /largest memory heap/.test(e.message),
    );
  });

  it('rmsNorm with and without weights (3 rows of 300)', () => {
    const rows = 3, n = 300;
    const x = randomArray(rows * n, 21, 3);
    const w = randomArray(n, 22, 1);
    for (const ww of [w, null]) {
      const got = vk.vulkanRunOp('rmsNorm', { x, rows, n, w: ww, eps: 1e-5 });
      const ref = new Float32Array(rows * n);
      for (let r = 0; r < rows; r++) {
        ref.set(cpu.cpuRmsNorm('generic', x.subarray(r * n, (r + 1) * n), ww, 1e-5), r * n);
      }
      assertClose(got, ref, 1e-5 * maxAbs(ref), 'rmsNorm');
    }
  });

  it('add, mul, swiglu; add broadcasting a bias row', () => {
    const n = 1000;
    const a = randomArray(n, 31, 4);
    const b = randomArray(n, 32, 4);
    for (const op of ['add', 'mul', 'swiglu'] as const) {
      const got = vk.vulkanRunOp(op, { a, b, n });
      const ref = cpu.cpuBinary('generic', op, a, b);
      assertClose(got, ref, 1e-5 * maxAbs(ref), op);
    }
    const bias = randomArray(40, 33, 1);
    const got = vk.vulkanRunOp('add', { a, b: bias, n, bLen: 40 });
    assertClose(got, Float32Array.from(a, (v, i) => v + bias[i % 40]), 1e-6, 'add broadcast');
  });

  it("swigluOai: gpt-oss's clipped SwiGLU (gate below 7, up within +-7, plus one) on values past both clips", () => {
    const n = 1000;
    const gate = randomArray(n, 34, 12);
    const up = randomArray(n, 35, 12);
    const got = vk.vulkanRunOp('swigluOai', { a: gate, b: up, n });
    const ref = Float64Array.from(gate, (g0, i) => {
      const g = Math.min(g0, 7);
      const u = Math.min(Math.max(up[i], -7), 7);
      return (g / (1 + Math.exp(-1.702 * g))) * (u + 1);
    });
    assertClose(got, ref, 1e-5 * maxAbs(ref), 'swigluOai');
  });

  it('softmax per row (4 rows of 1000, logits up to 30)', () => {
    const rows = 4, n = 1000;
    const x = randomArray(rows * n, 41, 30);
    const got = vk.vulkanRunOp('softmax', { x, rows, n });
    for (let r = 0; r < rows; r++) {
      const ref = cpu.cpuUnary('generic', 'softmax', x.subarray(r * n, (r + 1) * n));
      assertClose(got.subarray(r * n, (r + 1) * n), ref, 1e-6 + 1e-5 * maxAbs(ref), `softmax row ${r}`);
    }
  });

  for (const neox of [false, true]) {
    it(`rope ${neox ? 'NeoX' : 'normal'}: positions 5000.., partial n_rot, with and without freq factors`, () => {
      const nTok = 3, nHead = 4, headDim = 64, nRot = 48;
      const x = randomArray(nTok * nHead * headDim, 51, 2);
      const freqs = Float32Array.from({ length: nRot / 2 }, (_, i) => 1 + (7 * i) / (nRot / 2 - 1));
      for (const ff of [null, freqs]) {
        const got = vk.vulkanRunOp('rope', { x, nTok, nHead, headDim, nRot, pos0: 5000, base: 10000, scale: 0.5, neox, freqs: ff });
        for (let t = 0; t < nTok; t++) {
          const row = x.subarray(t * nHead * headDim, (t + 1) * nHead * headDim);
          const ref = cpu.cpuRope(row, nHead, headDim, nRot, 5000 + t, 10000, 0.5, neox, ff);
          assertClose(got.subarray(t * nHead * headDim, (t + 1) * nHead * headDim), ref, 1e-5, `rope t=${t}`);
        }
      }
    });
  }

  it('kvStore writes f16 rows at pos0 and leaves the others', () => {
    const n = 3, row = 96, nCtx = 10, pos0 = 4;
    const src = randomArray(n * row, 61, 5);
    const cache = Uint16Array.from({ length: nCtx * row }, (_, i) => i & 0x3fff);
    const got = vk.vulkanRunOp('kvStore', { src, n, row, pos0, nCtx, cache });
    for (let i = 0; i < nCtx * row; i++) {
      const p = Math.floor(i / row);
      if (p >= pos0 && p < pos0 + n) {
        const want = f16Bits(src[(p - pos0) * row + (i % row)]);
        // packHalf2x16's rounding is the driver's: allow one unit in the last place.
        assert.ok(Math.abs(got[i] - want) <= 1, `cache[${i}] = ${got[i]}, want ${want}`);
      } else {
        assert.equal(got[i], cache[i], `cache[${i}] changed`);
      }
    }
  });

  for (const c of [
    { nHead: 8, nHeadKv: 2, headDim: 64, pos0: 70, n: 5, sinks: false },
    { nHead: 4, nHeadKv: 4, headDim: 128, pos0: 0, n: 9, sinks: false },
    { nHead: 6, nHeadKv: 3, headDim: 32, pos0: 200, n: 1, sinks: false },
    // Sinks above and below the heads' largest scores (both branches of the merge), from the first position on.
    { nHead: 8, nHeadKv: 2, headDim: 64, pos0: 0, n: 7, sinks: true },
    { nHead: 6, nHeadKv: 3, headDim: 32, pos0: 200, n: 1, sinks: true },
  ]) {
    const what = `attention GQA ${c.nHead}/${c.nHeadKv}, head_dim ${c.headDim}, pos0 ${c.pos0}, ${c.n} queries${c.sinks ? ', sinks' : ''}`;
    it(what, () => {
      const nKv = c.pos0 + c.n;
      const rng = makeRng(71 + c.headDim);
      const q = randomArray(c.n * c.nHead * c.headDim, 72, 1.5);
      const k = Uint16Array.from({ length: nKv * c.nHeadKv * c.headDim }, () => f16Bits(rng() * 1.5));
      const v = Uint16Array.from({ length: nKv * c.nHeadKv * c.headDim }, () => f16Bits(rng() * 2));
      const sinks = c.sinks ? Float32Array.from({ length: c.nHead }, (_, h) => (h % 2 ? 8 : -2) + h * 0.5) : undefined;
      const got = vk.vulkanRunOp('attention', {
        q, k, v, n: c.n, nHead: c.nHead, nHeadKv: c.nHeadKv, headDim: c.headDim, pos0: c.pos0, sinks,
      });
      const args = { q, k, v, nTokens: c.n, nHead: c.nHead, nHeadKv: c.nHeadKv, headDim: c.headDim, nKv, pos0: c.pos0 };
      const ref = cpu.cpuAttention('generic', { ...args, sinks });
      assertClose(got, ref, 2e-5 * maxAbs(ref) + 1e-6, 'attention');
      if (sinks) {
        // The sinks must matter at this tolerance, or the check above proves nothing about them.
        const plain = cpu.cpuAttention('generic', args);
        let moved = 0;
        for (let i = 0; i < ref.length; i++) moved = Math.max(moved, Math.abs(plain[i] - ref[i]));
        assert.ok(moved > 100 * (2e-5 * maxAbs(ref) + 1e-6), `sinks move the output by only ${moved}`);
      }
    });
  }
});

describe('vulkan without a driver', function () {
  it('probe in a process whose loader finds no ICD: -1 with "Vulkan: no device" (or not built)', function () {
    this.timeout(30000);
    // A child process: the loader reads VK_ICD_FILENAMES once per process.
    const script = `const b = ${testingAddonExpression()};` +
      'const p = b.vulkanProbe(); process.stdout.write(JSON.stringify(p));';
    const out = execFileSync(process.execPath, ['-e', script], {
      env: { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' },
      encoding: 'utf8',
    });
    const p = JSON.parse(out) as { built: boolean; available: boolean; why: string; devices: unknown[] };
    assert.equal(p.available, false);
    assert.equal(p.devices.length, 0);
    if (p.built) assert.match(p.why, /^Vulkan: (no device|libvulkan\.so\.1 not found)$/);
    else assert.match(p.why, /^Vulkan: not built/);
  });
});

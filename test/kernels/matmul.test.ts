/**
 * Every kernel table this CPU runs, against a float64 reference, for every
 * weight format, at odd and even shapes. Outputs are NaN-poisoned first, so
 * an element a kernel skips fails the test.
 */
import { strict as assert } from 'assert';
import type { CpuLevelName } from '../helpers/native-cpu';
import { cpu, runnableLevels, randomArray, poisoned, errorOverEnergy, countNaN, matmulRef } from './kernel-helpers';

// Normalized squared error bound per weight format against float64 on the
// dequantized weights (normalized by the products' energy, see matmulRef).
// Quantized formats quantize activations to Q8_0 / Q8_1 / Q8_K (~1e-5 here;
// IQ4_NL and MXFP4 take Q8_0, IQ4_XS takes Q8_K, as in llama.cpp);
// BF16 may take bf16 activations (avx512bf16); F32/F16 only see f32 rounding.
const FORMATS: { type: string; k: number; nmse: number }[] = [
  { type: 'F32', k: 97, nmse: 1e-12 },
  { type: 'F16', k: 97, nmse: 1e-12 },
  { type: 'BF16', k: 289, nmse: 1e-5 }, // 289: the mat-vec's 128-wide steps, a 32-step and a tail
  { type: 'Q4_0', k: 160, nmse: 5e-5 },
  { type: 'Q4_1', k: 160, nmse: 5e-5 },
  { type: 'Q5_0', k: 160, nmse: 5e-5 },
  { type: 'Q5_1', k: 160, nmse: 5e-5 },
  { type: 'Q8_0', k: 160, nmse: 5e-5 },
  { type: 'Q2_K', k: 512, nmse: 5e-5 },
  { type: 'Q3_K', k: 512, nmse: 5e-5 },
  { type: 'Q4_K', k: 512, nmse: 5e-5 },
  { type: 'Q5_K', k: 512, nmse: 5e-5 },
  { type: 'Q6_K', k: 512, nmse: 5e-5 },
  { type: 'IQ4_NL', k: 160, nmse: 5e-5 },
  { type: 'IQ4_XS', k: 512, nmse: 5e-5 },
  { type: 'MXFP4', k: 160, nmse: 5e-5 },
];

// [m, n]: mat-vec, tile remainders in both directions, a large odd case.
// [29, 13] and [21, 8]: the 16-row mat-mat's last group more and less than
// half full, and its 8-, 4- and 1-column tiles.
const SHAPES: [number, number][] = [
  [1, 1], [7, 1], [64, 1], [513, 1], [1, 7], [7, 7], [64, 7], [7, 64], [64, 64], [513, 7], [7, 513], [64, 513],
  [29, 13], [21, 8],
];

describe('kernels: matmul, every table vs float64', () => {
  const levels = runnableLevels();

  it('runs at least generic plus one SIMD level on this machine', () => {
    assert.equal(levels[0], 'generic');
    assert.ok(levels.length >= 2, `levels: ${levels.join(', ')}`);
  });

  for (const fmt of FORMATS) {
    it(`${fmt.type}: all levels, all shapes, within nmse ${fmt.nmse}`, () => {
      const maxM = Math.max(...SHAPES.map((s) => s[0]));
      const maxN = Math.max(...SHAPES.map((s) => s[1]));
      const wAll = randomArray(maxM * fmt.k, 11);
      const xAll = randomArray(maxN * fmt.k, 12);
      const wBytesAll = cpu.cpuQuantize(fmt.type, wAll);
      const wDeqAll = cpu.cpuDequantize(fmt.type, wBytesAll, maxM * fmt.k);
      const rowBytes = wBytesAll.length / maxM;
      for (const [m, n] of SHAPES) {
        const w = wBytesAll.subarray(0, m * rowBytes);
        const x = xAll.subarray(0, n * fmt.k);
        const { y: ref, energy } = matmulRef(wDeqAll, m, fmt.k, x, n);
        let genericOut: Float32Array | undefined;
        for (const level of levels) {
          for (const threads of [1, 2]) {
            const y = poisoned(n * m);
            cpu.cpuMatmul(level, fmt.type, w, m, fmt.k, x, n, y, threads);
            assert.equal(countNaN(y), 0, `${fmt.type} ${level} m=${m} n=${n} t=${threads}: unwritten outputs`);
            const e = errorOverEnergy(y, ref, energy);
            assert.ok(e < fmt.nmse, `${fmt.type} ${level} m=${m} n=${n} t=${threads}: nmse ${e.toExponential(2)}`);
            if (level === 'generic' && threads === 1) genericOut = y;
            if (level === 'generic' && threads === 2) {
              // The split over threads must not change a single result.
              assert.deepEqual(y, genericOut, `${fmt.type} m=${m} n=${n}: threads change generic results`);
            }
          }
        }
      }
    });
  }

  it('rejects a k that is not a whole number of blocks, and unknown levels', () => {
    const w = cpu.cpuQuantize('Q4_K', randomArray(256, 1));
    assert.throws(() => cpu.cpuMatmul('generic', 'Q4_K', w, 1, 200, new Float32Array(200), 1), { code: 'E_INVALID_ARGUMENT' });
    assert.throws(() => cpu.cpuMatmul('pentium' as CpuLevelName, 'F32', new Uint8Array(4), 1, 1, new Float32Array(1), 1), {
      code: 'E_INVALID_ARGUMENT',
    });
  });
});

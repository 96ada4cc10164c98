/**
 * Whole-model parity: all layers + output head of small models run through
 * the Vulkan backend's stages (stage_create / kv_create / stage_forward, the
 * vtable the decoder calls) and, on the same tokens and batching, through
 * the CPU engine's forward pass. Every token's logits are compared (a prompt
 * batch, then single-token steps reading the device KV cache), and the greedy
 * token must agree wherever the CPU's top-1/top-2 margin exceeds the tolerance.
 * Non-F32 models are also compared with the CPU engine on their weights
 * dequantized to F32 (see KERNEL_REL_TOL): the tight check of the kernels.
 *
 * Tolerance on max |vulkan - cpu| relative to max |logit|: F32/F16 1e-4 (both
 * sides multiply the same f32 values; measured <= 5e-5); BF16 2e-2 (the CPU
 * rounds activations to BF16 for its dots); quantized formats
 * 0.1 (measured 1.5e-2 .. 6.5e-2 on these random models), because the CPU
 * quantizes activations to Q8_0 / Q8_K for its integer dots while the GPU
 * keeps them f32, and the random blocks amplify that. The kernels themselves
 * are checked exactly in ops.test.ts; here a broken kernel shows as O(1)
 * differences and a cosine of the logit rows far below the floor
 * (F32/F16 0.99999, quantized 0.995; measured >= 0.9976).
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import { quantizeModel } from '../../extension/engine/quantize';
import { randomModelAs, type RandomModelSpec } from '../helpers/model-factory';
import { randomModelMxfp4 } from '../helpers/mxfp4-model';
import { fixture } from '../helpers/fixtures';
import { skipWithoutVulkan, vk, type StageTestOptions, type StageTestResult } from './vulkan-binding';
import { loadTestingBinding } from '../helpers/testing-binding';

/**
 * stories260K's bound. On the AVX-512 kernel levels the CPU engine's logits
 * sit 1.65e-4 (of the largest) from the Vulkan engine's, where the AVX2 and
 * generic levels sit 3.2e-6 from it: an open AVX-512 defect (the CPU
 * performance issue's AVX-512 work), bounded here so that it cannot grow
 * unseen; every other level keeps 1e-4.
 */
const STORIES_TOL = loadTestingBinding().cpuInfo().selected.startsWith('avx512') ? 2.5e-4 : 1e-4;

const REL_TOL: Record<string, number> = {
  F32: 1e-4, F16: 1e-4, BF16: 2e-2, Q8_0: 0.1, Q4_0: 0.1, Q4_1: 0.1, Q5_0: 0.1, Q5_1: 0.1, Q4_K: 0.1, Q5_K: 0.1, Q6_K: 0.1,
};
/**
 * Kernel parity: the Vulkan run on quantized weights against the CPU engine on
 * the same weights dequantized to F32 (f32 activations on both sides), so only
 * summation order differs; measured <= 2e-5. Greedy tokens then agree on
 * every row with a margin.
 */
const KERNEL_REL_TOL = 1e-4;
/** Every format on llama; on qwen2 (bias, NeoX, tied head), qwen3 (QK-norm) and phi3 (fused weights) a few (each case costs ~3-5 s on lavapipe). */
const QWEN2_FORMATS = ['F32', 'Q8_0', 'Q6_K'];
const minCosine = (relTol: number): number => (relTol <= STORIES_TOL ? 0.99999 : 0.995);

interface Compared {
  rows: number;
  relDiff: number;
  minCos: number;
  maxAbs: number;
  greedyChecked: number;
}

/** Rows the head ran on: every row, unless the case set logitsRows (then NaN rows are skipped). */
function compare(r: StageTestResult, relTol: number, what: string, ref: Float32Array = r.cpu, skipNaNRows = false): Compared {
  const V = r.nVocab;
  const rows = ref.length / V;
  let maxLogit = 0;
  let maxAbs = 0;
  const skipped = (t: number): boolean => skipNaNRows && r.vulkan.subarray(t * V, (t + 1) * V).every((v) => Number.isNaN(v));
  for (let i = 0; i < ref.length; i++) {
    if (skipped(Math.floor(i / V))) continue;
    assert.ok(Number.isFinite(r.vulkan[i]), `${what}: logit ${i} is ${r.vulkan[i]}`);
    maxLogit = Math.max(maxLogit, Math.abs(ref[i]));
    maxAbs = Math.max(maxAbs, Math.abs(ref[i] - r.vulkan[i]));
  }
  const relDiff = maxAbs / maxLogit;
  assert.ok(relDiff <= relTol, `${what}: max |vulkan - cpu| = ${maxAbs} is ${relDiff.toExponential(2)} of max |logit| ${maxLogit}, tolerance ${relTol}`);
  let minCos = 1;
  for (let t = 0; t < rows; t++) {
    if (skipped(t)) continue;
    let dot = 0, na = 0, nb = 0;
    for (let v = 0; v < V; v++) {
      dot += ref[t * V + v] * r.vulkan[t * V + v];
      na += ref[t * V + v] ** 2;
      nb += r.vulkan[t * V + v] ** 2;
    }
    minCos = Math.min(minCos, dot / Math.sqrt(na * nb));
  }
  assert.ok(minCos >= minCosine(relTol), `${what}: logit rows' cosine ${minCos} < ${minCosine(relTol)}`);
  let greedyChecked = 0;
  for (let t = 0; t < rows; t++) {
    if (skipped(t)) continue;
    let best = 0, second = -1;
    for (let v = 1; v < V; v++) {
      if (ref[t * V + v] > ref[t * V + best]) {
        second = best;
        best = v;
      } else if (second < 0 || ref[t * V + v] > ref[t * V + second]) {
        second = v;
      }
    }
    if (ref[t * V + best] - ref[t * V + second] <= 2 * relTol * maxLogit) continue;  // near-tie: either is right
    let vbest = 0;
    for (let v = 1; v < V; v++) if (r.vulkan[t * V + v] > r.vulkan[t * V + vbest]) vbest = v;
    assert.equal(vbest, best, `${what}: greedy token of row ${t}`);
    greedyChecked++;
  }
  let compared = 0;
  for (let t = 0; t < rows; t++) if (!skipped(t)) compared++;
  return { rows: compared, relDiff, minCos, maxAbs, greedyChecked };
}

function report(what: string, r: StageTestResult, c: Compared, timings = true): void {
  const steps = r.forwardMs.map((m) => m.toFixed(0)).join('/');
  const t = timings
    ? `; ${(r.deviceBytes / 1048576).toFixed(2)} MiB on device, create ${r.createMs.toFixed(0)} ms, forward ms ${steps} (noisy)`
    : '';
  console.log(`      ${what}: max abs ${c.maxAbs.toExponential(2)}, rel ${c.relDiff.toExponential(2)}, cos ${c.minCos.toFixed(6)}, greedy rows ${c.greedyChecked}${t}`);
}

function run(path: string, tokens: number[], opts: StageTestOptions, relTol: number, what: string): Compared {
  const r = vk.vulkanStageTest(path, tokens, opts);
  const c = compare(r, relTol, what, r.cpu, (opts.logitsRows ?? 0) > 0 || (opts.headlessBatches ?? 0) > 0);
  report(what, r, c);
  if (r.cpuReference) {
    const k = compare(r, KERNEL_REL_TOL, `${what} vs CPU on dequantized weights`, r.cpuReference);
    report(`${what} vs CPU on dequantized weights`, r, k, false);
  }
  return c;
}

/** The model with every weight dequantized to F32 (cached next to it). */
async function dequantized(file: string): Promise<string> {
  const out = file.replace(/\.gguf$/, '-dequantized-F32.gguf');
  if (!fs.existsSync(out)) {
    const tmp = `${out}.${process.pid}.tmp`;
    await quantizeModel(file, tmp, 'F32');
    fs.renameSync(tmp, out);
  }
  return out;
}

describe('vulkan whole-model parity with the CPU engine', function () {
  this.timeout(120000);
  before(function () {
    skipWithoutVulkan(this);
  });

  describe('tiny real models (test/fixtures)', function () {
    const PROMPT = [1, 403, 1123, 271, 4007, 29, 350, 17, 88, 265];

    it('stories260K F32: prompt batch of 6, then 4 single steps', () => {
      run(fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf'), PROMPT.map((t) => t % 512), { batches: [6] }, STORIES_TOL, 'stories260K');
    });

    it('stories260K F32: logits of the last row of each batch only (the decoder\'s usual call)', () => {
      const c = run(fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf'), PROMPT.map((t) => t % 512),
        { batches: [6], logitsRows: 1 }, STORIES_TOL, 'stories260K last rows');
      assert.equal(c.rows, 5, 'the batch\'s last row and the 4 single steps');
    });

    it('stories260K F32: a prompt in two chunks, the first without logits (logits_rows = 0)', () => {
      const c = run(fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf'), PROMPT.map((t) => t % 512),
        { batches: [4, 3], logitsRows: 1, headlessBatches: 1 }, STORIES_TOL, 'stories260K headless chunk');
      assert.equal(c.rows, 4, 'the second chunk\'s last row and the 3 single steps');
    });

    it('stories260K F32 split in two stages (x crosses the host between them)', () => {
      run(fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf'), PROMPT.map((t) => t % 512), { batches: [6], split: 2 }, STORIES_TOL,
        'stories260K split at layer 2');
    });

    it('stories260K F32: context shift (keys rotated back) then 3 more steps', () => {
      run(fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf'), PROMPT.map((t) => t % 512),
        { batches: [10], shift: { src: 6, dst: 2, n: 4 }, after: [33, 44, 55] }, STORIES_TOL, 'stories260K shifted');
    });

    it('llama-2 tiny random: prompt batch of 9 (more than one matmul token group), then 1 step', () => {
      run(fixture('tiny-llama/llama-2-tiny-random.gguf'), PROMPT, { batches: [9] }, 1e-4, 'llama-2-tiny-random');
    });
  });

  describe('random models in every kernel format', function () {
    const vocab = (n: string): string => fixture(`llama.cpp-vocab/${n}`);
    const SPECS: Array<{ label: string; spec: () => RandomModelSpec }> = [
      {
        label: 'llama GQA 8/4',
        spec: () => ({
          arch: 'llama', vocabFrom: vocab('ggml-vocab-llama-spm.gguf'),
          nEmbd: 256, nLayer: 2, nHead: 8, nHeadKv: 4, nFf: 512, nCtx: 256, tiedEmbeddings: false, seed: 11,
          ropeFreqFactors: true,
        }),
      },
      {
        label: 'qwen2 GQA 4/2, QKV bias, NeoX',
        spec: () => ({
          arch: 'qwen2', vocabFrom: vocab('ggml-vocab-deepseek-coder.gguf'), pre: 'qwen2',
          nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 2, nFf: 512, nCtx: 256, tiedEmbeddings: true, seed: 5,
        }),
      },
      {
        // QK-norm on the device (heads of 128 on a 256-wide model).
        label: 'qwen3 QK-norm, GQA 4/2, NeoX',
        spec: () => ({
          arch: 'qwen3', vocabFrom: vocab('ggml-vocab-deepseek-coder.gguf'), pre: 'qwen2',
          nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 2, headDim: 128, nFf: 512, nCtx: 256, tiedEmbeddings: true,
          ropeFreqBase: 1000000, seed: 15,
        }),
      },
      {
        // Fused attn_qkv and gate-up tensors reach the backend as row views of one mapping.
        label: 'phi3 fused QKV and gate-up, NeoX',
        spec: () => ({
          arch: 'phi3', vocabFrom: vocab('ggml-vocab-phi-3.gguf'), fusedQkv: true,
          nEmbd: 256, nLayer: 2, nHead: 8, nHeadKv: 4, nFf: 512, nCtx: 256, tiedEmbeddings: false, seed: 51,
        }),
      },
    ];
    it('qwen2 Q4_K with the fallbacks (shared-memory reductions, word loads)', async () => {
      const file = await randomModelAs(SPECS[1].spec(), 'Q4_K');
      vk.vulkanSetSubgroup(false);
      vk.vulkanSet8Bit(false);
      vk.vulkanSet16Bit(false);
      try {
        run(file, [1, 300, 4000, 999, 23, 7000], { batches: [5] }, REL_TOL.Q4_K, 'qwen2 Q4_K fallbacks');
      } finally {
        vk.vulkanSetSubgroup(true);
        vk.vulkanSet8Bit(true);
        vk.vulkanSet16Bit(true);
      }
    });

    it('a format without a kernel (Q2_K): stage_create refuses with a coded error naming it', async () => {
      const file = await randomModelAs(SPECS[0].spec(), 'Q2_K');
      assert.throws(
        () => vk.vulkanStageTest(file, [1, 2], {}),
        (e: Error & { code?: string }) => e.code === 'E_BACKEND_UNSUPPORTED' && /Q2_K/.test(e.message),
      );
    });

    // LongRoPE: the stage's context picks the factor set the model is loaded for
    // (original context 256): its cos/sin tables carry that set and the
    // attention factor 1.25, and the shift turns the cached keys by that set alone.
    const longRope = (): RandomModelSpec => ({
      arch: 'phi3', vocabFrom: vocab('ggml-vocab-phi-3.gguf'), fusedQkv: true,
      nEmbd: 256, nLayer: 2, nHead: 8, nHeadKv: 4, nFf: 512, nCtx: 1024, tiedEmbeddings: false, seed: 51,
      longRope: {
        short: Array.from({ length: 16 }, (_, i) => 1.5 + i / 6), long: Array.from({ length: 16 }, (_, i) => 4 + i * 0.8),
        origCtx: 256, attnFactor: 1.25,
      },
    });
    for (const [set, nCtx] of [['short', 128], ['long', 512]] as const) {
      it(`phi3 LongRoPE F32, ${set} factors (context ${nCtx}): a prompt batch, a context shift, 3 more steps`, async () => {
        const file = await randomModelAs(longRope(), 'F32');
        run(file, [1, 300, 4000, 999, 23, 7000, 12, 5000, 77, 3000], { batches: [10], nCtx, shift: { src: 6, dst: 2, n: 4 }, after: [33, 44, 55] },
          REL_TOL.F32, `phi3 LongRoPE ${set}`);
      });
    }

    for (const s of SPECS) {
      for (const format of Object.keys(REL_TOL).filter((f) => s.spec().arch === 'llama' || QWEN2_FORMATS.includes(f))) {
        it(`${s.label} ${format}`, async () => {
          const file = await randomModelAs(s.spec(), format);
          const opts: StageTestOptions = { batches: [5] };
          if (format !== 'F32') opts.cpuReferencePath = await dequantized(file);
          run(file, [1, 300, 4000, 999, 23, 7000], opts, REL_TOL[format], `${s.label} ${format}`);
        });
      }
    }
  });

  /**
   * Mixture-of-experts layers on the device (router, top-k on the device,
   * expert tiles, weighted sum) and gpt-oss's attention sinks. 14 tokens: a
   * batch of 9 (two expert tiles for the busiest experts), then single steps
   * (the one-pair tiles) past gpt-oss's and mellum's window of 8. The random
   * routers have clear winners (model-factory), so a wrong pick, weight or
   * sink moves the logits by O(1) where the kernels agree to 1e-5.
   */
  describe('mixture of experts and attention sinks', function () {
    after(() => vk.vulkanSetMoeLimits(0, 0));
    const TOKENS = [1, 300, 4000, 999, 23, 7000, 42, 1234, 15000, 77, 5000, 8, 31000, 600];
    const vocabFrom = (): string => fixture('llama.cpp-vocab/ggml-vocab-deepseek-coder.gguf');
    const QWEN3MOE = (): RandomModelSpec => ({
      arch: 'qwen3moe', vocabFrom: vocabFrom(), pre: 'qwen2', nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 2, headDim: 64,
      nFf: 1024, nExpert: 16, nExpertUsed: 4, nFfExp: 256, nCtx: 256, tiedEmbeddings: true, ropeFreqBase: 1000000, seed: 15,
    });
    const MELLUM = (): RandomModelSpec => ({ ...QWEN3MOE(), arch: 'mellum', tiedEmbeddings: false, slidingWindow: 8, seed: 16 });
    // As arch-placement.test.ts's: sinks, biased router and experts, the clipped SwiGLU, sliding layers, YaRN.
    const GPT_OSS = (): RandomModelSpec => ({
      arch: 'gpt-oss', vocabFrom: vocabFrom(), nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 2, headDim: 64, nFf: 1024, nExpert: 8,
      nExpertUsed: 4, nFfExp: 256, nCtx: 256, tiedEmbeddings: false, ropeFreqBase: 150000, slidingWindow: 8,
      ropeYarn: { factor: 4, origCtx: 64 }, seed: 61,
    });
    const CASES: Array<{ label: string; spec: () => RandomModelSpec; formats: string[] }> = [
      { label: 'qwen3moe (softmax top-4 of 16, renormalized)', spec: QWEN3MOE, formats: ['F32', 'Q8_0', 'Q4_K'] },
      { label: 'mellum (qwen3moe + sliding window)', spec: MELLUM, formats: ['F32', 'Q8_0'] },
      { label: 'gpt-oss (sinks, biases, top-4 of 8 by logit, clipped SwiGLU)', spec: GPT_OSS, formats: ['F32', 'Q8_0'] },
    ];
    for (const c of CASES) {
      for (const format of c.formats) {
        it(`${c.label} ${format}`, async () => {
          const file = await randomModelAs(c.spec(), format);
          const opts: StageTestOptions = { batches: [9] };
          if (format !== 'F32') opts.cpuReferencePath = await dequantized(file);
          run(file, TOKENS, opts, REL_TOL[format], `${c.label} ${format}`);
        });
      }
    }

    it('gpt-oss with MXFP4 experts (as released files have them)', async () => {
      const file = await randomModelMxfp4(GPT_OSS(), 'experts');
      // MXFP4 quantizes the CPU's activations to Q8 like the other block formats.
      run(file, TOKENS, { batches: [9], cpuReferencePath: await dequantized(file) }, 0.1, 'gpt-oss MXFP4 experts');
    });

    it('qwen3moe split into chunks of 3 tokens and buffers of 5 experts (the paths of large models)', async () => {
      const file = await randomModelAs(QWEN3MOE(), 'Q8_0');
      vk.vulkanSetMoeLimits(3, 5);
      try {
        run(file, TOKENS, { batches: [9], split: 1, cpuReferencePath: await dequantized(file) }, REL_TOL.Q8_0, 'qwen3moe chunked Q8_0');
      } finally {
        vk.vulkanSetMoeLimits(0, 0);
      }
    });

    it('gpt-oss with the fallbacks (shared-memory reductions, word loads)', async () => {
      const file = await randomModelAs(GPT_OSS(), 'Q8_0');
      vk.vulkanSetSubgroup(false);
      vk.vulkanSet8Bit(false);
      try {
        run(file, TOKENS, { batches: [9], cpuReferencePath: await dequantized(file) }, REL_TOL.Q8_0, 'gpt-oss Q8_0 fallbacks');
      } finally {
        vk.vulkanSetSubgroup(true);
        vk.vulkanSet8Bit(true);
      }
    });
  });
});

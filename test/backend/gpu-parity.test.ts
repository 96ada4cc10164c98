/**
 * GPU backends against the CPU, per weight format: logits of a prompt and
 * greedy tokens (teacher-forced logits after that) with the whole model, half
 * of it and none of it offloaded. Written over the backend name: each of
 * cuda / vulkan runs where it has a device and otherwise skips with its
 * probe's reason, so the Vulkan backend reuses this file unchanged.
 *
 * Tolerances: the CPU quantizes activations to Q8 for integer dot products
 * on quantized weights while a GPU kernel may keep them in f32, so quantized
 * formats get a looser bound than F32/F16/BF16 (summation order only).
 */
import { strict as assert } from 'assert';
import * as path from 'path';
import { loadModel, type GpuLayers } from '../../extension/engine/engine';
import { quantizeModel } from '../../extension/engine/quantize';
import { CACHE_DIR, randomModel, type RandomModelSpec } from '../helpers/model-factory';
import { randomModelMxfp4 } from '../helpers/mxfp4-model';
import { fixture } from '../helpers/fixtures';
import { GPU_BACKENDS, skipWithoutGpu } from './gpu-backends';
import * as fs from 'fs';
import { loadTestingBinding } from '../helpers/testing-binding';

/**
 * BF16 weights on the avx512bf16 level multiply with vdpbf16ps, which rounds
 * the activations to BF16 as well (2^-9 relative each, as llama.cpp's BF16
 * path does), where a GPU keeps them in f32: the prompt logits' relative
 * error then reaches ~5e-3.
 */
const BF16_TOL = loadTestingBinding().cpuInfo().selected === 'avx512bf16' ? 1e-2 : 2e-3;

// Rows of 256 so that the K-quants apply everywhere; qwen2 for biases and NeoX RoPE.
const SPEC: RandomModelSpec = {
  arch: 'qwen2', vocabFrom: fixture('llama.cpp-vocab/ggml-vocab-deepseek-coder.gguf'), pre: 'qwen2',
  nEmbd: 256, nLayer: 4, nHead: 4, nHeadKv: 2, nFf: 512, nCtx: 512, tiedEmbeddings: false, seed: 84,
};
const LLAMA_SPEC: RandomModelSpec = {
  arch: 'llama', vocabFrom: fixture('llama.cpp-vocab/ggml-vocab-llama-spm.gguf'),
  nEmbd: 256, nLayer: 4, nHead: 8, nHeadKv: 2, nFf: 768, nCtx: 512, tiedEmbeddings: true, ropeFreqFactors: true, seed: 85,
};

const FORMATS = ['F32', 'F16', 'BF16', 'Q8_0', 'Q4_0', 'Q4_K_M', 'Q6_K'] as const;

/**
 * The block features past the llama block, each on a backend that declares
 * its op (backend/layer-ops.h): QK-norm, sliding window with its own RoPE
 * base, post-norms, GeGLU, soft-capping, LayerNorm, a GELU MLP, biases and
 * multipliers, YaRN, LongRoPE, mixtures of experts (qwen3moe's softmax top-k renormalized;
 * gpt-oss's top-k by logit with biases and its clipped SwiGLU) and gpt-oss's
 * attention sinks. The prompt (17) plus 12 steps run past the window of 8.
 */
const GEMMA = {
  vocabFrom: fixture('llama.cpp-vocab/ggml-vocab-llama-spm.gguf'),
  nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 1, headDim: 64, nFf: 512, nCtx: 512, tiedEmbeddings: true, ropeFreqBase: 1000000,
};
const ARCH_SPECS: [string, RandomModelSpec][] = [
  ['qwen3', { ...SPEC, arch: 'qwen3', headDim: 128, nLayer: 2, seed: 15 }],
  ['gemma3', { ...GEMMA, arch: 'gemma3', slidingWindow: 8, slidingWindowPattern: 2, ropeFreqBaseSwa: 10000, logitSoftcap: 50, seed: 21 }],
  ['gemma2', { ...GEMMA, arch: 'gemma2', slidingWindow: 8, attnSoftcap: 3, logitSoftcap: 50, seed: 34 }],
  ['starcoder2', {
    arch: 'starcoder2', vocabFrom: fixture('llama.cpp-vocab/ggml-vocab-starcoder.gguf'),
    nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 2, nFf: 1024, nCtx: 512, tiedEmbeddings: true, ropeFreqBase: 100000, seed: 23,
  }],
  ['llama+yarn', { ...LLAMA_SPEC, nLayer: 2, ropeFreqFactors: false, ropeYarn: { factor: 4, origCtx: 64 }, seed: 11 }],
  ['granite', {
    ...LLAMA_SPEC, arch: 'granite', nLayer: 2, ropeFreqFactors: false, tiedEmbeddings: false, seed: 42,
    granite: { logitScale: 4, residualScale: 0.5, embeddingScale: 2, attentionScale: 0.1 },
  }],
  // Loaded for context_length 1024's default of 1024 > original 256: the long factor
  // set in the cos/sin tables, and cos/sin times the attention factor 1.25.
  ['phi3+longrope', {
    arch: 'phi3', vocabFrom: fixture('llama.cpp-vocab/ggml-vocab-phi-3.gguf'), fusedQkv: true,
    nEmbd: 256, nLayer: 2, nHead: 8, nHeadKv: 4, nFf: 512, nCtx: 1024, tiedEmbeddings: false, seed: 51,
    longRope: {
      short: Array.from({ length: 16 }, (_, i) => 1.5 + i / 6), long: Array.from({ length: 16 }, (_, i) => 4 + i * 0.8),
      origCtx: 256, attnFactor: 1.25,
    },
  }],
  ['qwen3moe', { ...SPEC, arch: 'qwen3moe', headDim: 64, nLayer: 2, nFf: 1024, nExpert: 16, nExpertUsed: 4, nFfExp: 256, seed: 17 }],
  ['mellum', {
    ...SPEC, arch: 'mellum', headDim: 64, nLayer: 2, nFf: 1024, nExpert: 16, nExpertUsed: 4, nFfExp: 256, slidingWindow: 8, seed: 18,
  }],
  ['gpt-oss', {
    arch: 'gpt-oss', vocabFrom: fixture('llama.cpp-vocab/ggml-vocab-deepseek-coder.gguf'), nEmbd: 256, nLayer: 2, nHead: 4,
    nHeadKv: 2, headDim: 64, nFf: 1024, nExpert: 8, nExpertUsed: 4, nFfExp: 256, nCtx: 512, tiedEmbeddings: false,
    ropeFreqBase: 150000, slidingWindow: 8, ropeYarn: { factor: 4, origCtx: 64 }, seed: 61,
  }],
];
/** Extra formats per architecture: gpt-oss as released files have it (MXFP4 experts, the rest F32), qwen3moe in a K-quant mix. */
const ARCH_EXTRA_FORMATS: Record<string, string[]> = { 'gpt-oss': ['MXFP4-experts'], qwen3moe: ['Q4_K_M'] };
const PROMPT = [100, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 11000, 12000, 13000, 14000, 15000, 16000, 17000];

function relErr(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / (den || 1));
}

function argmax(v: Float32Array): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

async function modelIn(spec: RandomModelSpec, format: string): Promise<string> {
  if (format === 'MXFP4-experts') return randomModelMxfp4(spec, 'experts');
  const f32 = await randomModel(spec);
  if (format === 'F32') return f32;
  const out = path.join(CACHE_DIR, `${path.basename(f32, '.gguf')}-${format}.gguf`);
  if (!fs.existsSync(out)) await quantizeModel(f32, out, format);
  return out;
}

interface Trace { prompt: Float32Array; steps: Float32Array[]; tokens: number[]; offloaded: number }

/** Prompt logits, then 12 steps fed with `forced` tokens (or its own greedy picks). */
async function trace(file: string, backend: 'cpu' | 'cuda' | 'vulkan', gpuLayers: GpuLayers, forced?: number[]): Promise<Trace> {
  const model = await loadModel(file, { threads: 1, backend, gpuLayers });
  try {
    const session = model.createSession({ contextLength: 64, batchSize: 16 });
    const seq = [...PROMPT];
    const first = await session.evaluate(seq);
    const out: Trace = { prompt: Float32Array.from(first.logits), steps: [], tokens: [], offloaded: model.info.gpuLayers };
    let next = argmax(first.logits);
    for (let i = 0; i < 12; i++) {
      out.tokens.push(next);
      seq.push(forced ? forced[i] : next);
      const r = await session.evaluate(seq);
      out.steps.push(Float32Array.from(r.logits));
      next = argmax(r.logits);
    }
    return out;
  } finally {
    model.dispose();
  }
}

for (const backend of GPU_BACKENDS) {
  describe(`backend: ${backend} against the CPU`, function () {
    this.timeout(300000);
    before(function () {
      skipWithoutGpu(this, backend);
    });

    for (const [label, spec] of [['qwen2', SPEC], ['llama+rope_freqs', LLAMA_SPEC]] as const) {
      for (const format of FORMATS) {
        it(`${label} ${format}: logits and greedy tokens match at 0, half and all layers`, async () => {
          const file = await modelIn(spec, format);
          const ref = await trace(file, 'cpu', 0);
          const tol = format === 'BF16' ? BF16_TOL : format === 'F32' || format === 'F16' ? 2e-3 : 4e-2;
          for (const gpuLayers of [0, spec.nLayer / 2, 'all'] as const) {
            const got = await trace(file, backend, gpuLayers, ref.tokens);
            const ePrompt = relErr(got.prompt, ref.prompt);
            assert.ok(ePrompt < tol, `${format} gpuLayers ${gpuLayers}: prompt logits rel-err ${ePrompt} >= ${tol}`);
            for (let i = 0; i < ref.steps.length; i++) {
              const e = relErr(got.steps[i], ref.steps[i]);
              assert.ok(e < tol, `${format} gpuLayers ${gpuLayers}: step ${i} logits rel-err ${e} >= ${tol}`);
            }
            const same = got.tokens.filter((t, i) => t === ref.tokens[i]).length;
            assert.ok(same >= ref.tokens.length - 1, `${format} gpuLayers ${gpuLayers}: greedy tokens ${same}/${ref.tokens.length}`);
          }
        });
      }
    }

    // CUDA runs QK-norm but none of the later ops yet: it keeps the other
    // architectures' layers on the CPU, which arch-placement.test.ts asserts with the reasons.
    for (const [label, spec] of ARCH_SPECS.filter(([l]) => backend !== 'cuda' || l === 'qwen3')) {
      for (const format of ['F32', 'Q8_0', ...(ARCH_EXTRA_FORMATS[label] ?? [])]) {
        it(`${label} ${format}: every layer offloads; logits and greedy tokens match at 0, half and all layers`, async () => {
          const file = await modelIn(spec, format);
          const ref = await trace(file, 'cpu', 0);
          const tol = format === 'F32' ? 2e-3 : 4e-2;
          for (const gpuLayers of [0, spec.nLayer / 2, 'all'] as const) {
            const got = await trace(file, backend, gpuLayers, ref.tokens);
            assert.equal(got.offloaded, gpuLayers === 'all' ? spec.nLayer : gpuLayers, `${label} gpuLayers ${gpuLayers}: layers on the device`);
            const ePrompt = relErr(got.prompt, ref.prompt);
            assert.ok(ePrompt < tol, `${format} gpuLayers ${gpuLayers}: prompt logits rel-err ${ePrompt} >= ${tol}`);
            for (let i = 0; i < ref.steps.length; i++) {
              const e = relErr(got.steps[i], ref.steps[i]);
              assert.ok(e < tol, `${format} gpuLayers ${gpuLayers}: step ${i} logits rel-err ${e} >= ${tol}`);
            }
            const same = got.tokens.filter((t, i) => t === ref.tokens[i]).length;
            assert.ok(same >= ref.tokens.length - 1, `${format} gpuLayers ${gpuLayers}: greedy tokens ${same}/${ref.tokens.length}`);
          }
        });
      }
    }

    it('reports the device, the layers offloaded and the output head', async () => {
      const file = await modelIn(SPEC, 'Q8_0');
      const model = await loadModel(file, { backend, gpuLayers: 'all' });
      try {
        assert.equal(model.info.backend, backend);
        assert.equal(model.info.gpuLayers, SPEC.nLayer);
        assert.equal(model.info.outputOnDevice, true);
        assert.ok(backend === 'cpu' || model.info.deviceBytes > 0, 'a GPU stage holds device memory');
        assert.equal(typeof model.info.device, 'string');
      } finally {
        model.dispose();
      }
    });
  });
}

/**
 * Which architectures' layers each GPU backend runs, from the ops it declares
 * (backend/layer-ops.h): Vulkan runs every block op, the mixture-of-experts
 * FFN (qwen3moe, mellum, gpt-oss) and attention sinks (gpt-oss) included;
 * CUDA runs QK-norm (qwen3) and none of the later ops yet (LongRoPE's factors, but not its attention factor). Where a backend lacks an op it keeps the layers
 * on the CPU and says which ops, instead of running them without. Asked to offload, each GPU
 * backend keeps those layers on the CPU and says which op it lacks, instead
 * of running them without it. The CPU backend's stages run the CPU layer
 * code, every op included, so there the offload path must give the same
 * greedy tokens as no offload.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import { loadModel } from '../../extension/engine/engine';
import { rewriteModel } from '../../extension/engine/quantize';
import { randomModelAs, type RandomModelSpec } from '../helpers/model-factory';
import { fixture } from '../helpers/fixtures';
import { GPU_BACKENDS, skipWithoutGpu } from './gpu-backends';

const QWEN3: RandomModelSpec = {
  arch: 'qwen3', vocabFrom: '', pre: 'qwen2',
  nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 2, headDim: 128, nFf: 512, nCtx: 256, tiedEmbeddings: true,
  ropeFreqBase: 1000000, seed: 15,
};
const QWEN3MOE: RandomModelSpec = { ...QWEN3, arch: 'qwen3moe', nFf: 1024, nExpert: 16, nExpertUsed: 4, nFfExp: 256 };
// Layer 0 slides over 8 positions with its own RoPE base; layer 1 sees everything.
const GEMMA3: RandomModelSpec = {
  arch: 'gemma3', vocabFrom: '', nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 1, headDim: 64, nFf: 512, nCtx: 256,
  tiedEmbeddings: true, ropeFreqBase: 1000000, slidingWindow: 8, slidingWindowPattern: 2, ropeFreqBaseSwa: 10000, seed: 21,
};
const STARCODER2: RandomModelSpec = {
  arch: 'starcoder2', vocabFrom: '', nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 2, nFf: 1024, nCtx: 256,
  tiedEmbeddings: true, ropeFreqBase: 100000, seed: 23,
};
const GEMMA2: RandomModelSpec = { ...GEMMA3, arch: 'gemma2', attnSoftcap: 3, logitSoftcap: 50, seed: 34 };
const GRANITE: RandomModelSpec = {
  arch: 'granite', vocabFrom: '', nEmbd: 256, nLayer: 2, nHead: 8, nHeadKv: 4, nFf: 512, nCtx: 256, tiedEmbeddings: false,
  granite: { logitScale: 4, residualScale: 0.5, embeddingScale: 2, attentionScale: 0.1 }, seed: 42,
};
const MELLUM: RandomModelSpec = { ...QWEN3MOE, arch: 'mellum', tiedEmbeddings: false, slidingWindow: 8 };
const GPT_OSS: RandomModelSpec = {
  arch: 'gpt-oss', vocabFrom: '', nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 2, headDim: 64, nFf: 1024, nExpert: 8,
  nExpertUsed: 4, nFfExp: 256, nCtx: 256, tiedEmbeddings: false, ropeFreqBase: 150000, slidingWindow: 8,
  ropeYarn: { factor: 4, origCtx: 64 }, seed: 61,
};
// LongRoPE: the factor set rides on the RoPE divisors every backend has; its attention factor is an op.
const PHI3_LONGROPE: RandomModelSpec = {
  arch: 'phi3', vocabFrom: '', fusedQkv: true, nEmbd: 256, nLayer: 2, nHead: 8, nHeadKv: 4, nFf: 512, nCtx: 1024,
  tiedEmbeddings: false, seed: 51,
  longRope: {
    short: Array.from({ length: 16 }, (_, i) => 1.5 + i / 6), long: Array.from({ length: 16 }, (_, i) => 4 + i * 0.8),
    origCtx: 256, attnFactor: 1.25,
  },
};
const SPECS: Record<string, RandomModelSpec> = {
  qwen3: QWEN3, qwen3moe: QWEN3MOE, gemma3: GEMMA3, starcoder2: STARCODER2, gemma2: GEMMA2, granite: GRANITE, mellum: MELLUM,
  'gpt-oss': GPT_OSS, 'phi3+longrope': PHI3_LONGROPE,
};

describe('backend: placement of architectures the GPU backends do not run', function () {
  this.timeout(120000);
  const files: Record<string, string> = {};
  before(async function () {
    const vocabFrom = fixture('llama.cpp-vocab/ggml-vocab-deepseek-coder.gguf');
    for (const [arch, spec] of Object.entries(SPECS)) files[arch] = await randomModelAs({ ...spec, vocabFrom }, 'F32');
  });

  // What each GPU backend does with each architecture: 'all' layers on the
  // device, or every layer on the CPU with a reason naming the ops it lacks.
  const EXPECT: Record<'cuda' | 'vulkan', Record<string, 'all' | RegExp>> = {
    vulkan: {
      qwen3: 'all', gemma3: 'all', gemma2: 'all', starcoder2: 'all', granite: 'all', qwen3moe: 'all', mellum: 'all', 'gpt-oss': 'all',
      'phi3+longrope': 'all',
    },
    cuda: {
      qwen3: 'all',
      qwen3moe: /layer 1 has a mixture-of-experts FFN, which it does not run/,
      gemma3: /layer 1 has post-norms and GeGLU, which it does not run/,
      starcoder2: /has LayerNorm and output and FFN biases and a GELU MLP, which it does not run/,
      gemma2: /layer 1 has post-norms and GeGLU and attention soft-capping, which it does not run/,
      granite: /has a custom attention scale and a residual multiplier, which it does not run/,
      mellum: /has sliding-window attention and a mixture-of-experts FFN, which it does not run/,
      'gpt-oss': /layer 1 has output and FFN biases and a mixture-of-experts FFN and YaRN RoPE scaling and attention sinks, which it does not run/,
      'phi3+longrope': /layer 1 has a RoPE attention factor \(LongRoPE\), which it does not run/,
    },
  };
  for (const backend of GPU_BACKENDS.filter((b): b is 'cuda' | 'vulkan' => b !== 'cpu')) {
    for (const [arch, expected] of Object.entries(EXPECT[backend])) {
      const what = expected === 'all' ? 'offloads' : 'stays on the CPU, with the reason';
      it(`${backend}: every ${arch} layer ${what}`, async function () {
        skipWithoutGpu(this, backend);
        const model = await loadModel(files[arch], { threads: 1, backend, gpuLayers: 'all' });
        try {
          const why = model.info.reasons.join(' | ');
          if (expected === 'all') {
            assert.equal(model.info.gpuLayers, SPECS[arch].nLayer, why);
          } else {
            assert.equal(model.info.gpuLayers, 0, why);
            assert.ok(model.info.reasons.some((r) => expected.test(r)), why);
          }
        } finally {
          model.dispose();
        }
      });
    }
  }

  // A backend that runs the experts still needs a kernel for their format:
  // without one the layers stay on the CPU and the reason names the format.
  if (GPU_BACKENDS.includes('vulkan')) {
    it('vulkan: qwen3moe with Q2_K experts (no kernel) stays on the CPU, naming the format', async function () {
      skipWithoutGpu(this, 'vulkan');
      const out = files.qwen3moe.replace(/\.gguf$/, '-experts-Q2_K.gguf');
      if (!fs.existsSync(out)) {
        const tmp = `${out}.${process.pid}.tmp`;
        const plan = (ts: { name: string }[]): Map<string, string> =>
          new Map(ts.filter((t) => t.name.endsWith('_exps.weight')).map((t) => [t.name, 'Q2_K']));
        await rewriteModel(files.qwen3moe, tmp, plan, 'Q2_K', undefined);
        fs.renameSync(tmp, out);
      }
      const model = await loadModel(out, { threads: 1, backend: 'vulkan', gpuLayers: 'all' });
      try {
        const why = model.info.reasons.join(' | ');
        assert.equal(model.info.gpuLayers, 0, why);
        assert.ok(model.info.reasons.some((r) => /layer 1 has experts in a weight format it cannot run \(Q2_K\)/.test(r)), why);
      } finally {
        model.dispose();
      }
    });
  }

  for (const arch of ['qwen3', 'qwen3moe', 'gemma3', 'starcoder2', 'gemma2', 'granite', 'mellum', 'gpt-oss', 'phi3+longrope']) {
    it(`cpu stages (the offload path) run ${arch}'s ops: same greedy tokens as no stage`, async () => {
      const tokens = async (gpuLayers: 'all' | 0): Promise<number[]> => {
        const model = await loadModel(files[arch], { threads: 1, backend: 'cpu', gpuLayers });
        try {
          assert.equal(model.info.gpuLayers, gpuLayers === 'all' ? SPECS[arch].nLayer : 0);
          const s = model.createSession({ contextLength: 64 });
          // 3 + 16 positions: past gemma3's window of 8.
          return (await s.generate([100, 200, 300], { maxTokens: 16, stopOnEog: false }).result).tokens;
        } finally {
          model.dispose();
        }
      };
      assert.deepEqual(await tokens('all'), await tokens(0));
    });
  }
});

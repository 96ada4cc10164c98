/**
 * Architectures whose layers the GPU backends cannot run yet: the
 * mixture-of-experts FFN of qwen3moe and mellum (no GPU expert FFN), and the
 * block ops of gemma2/3, starcoder2 and granite (backend/layer-ops.h); qwen3's
 * QK-norm they do run. Asked to offload, each GPU
 * backend keeps those layers on the CPU and says which op it lacks, instead
 * of running them without it. The CPU backend's stages run the CPU layer
 * code, every op included, so there the offload path must give the same
 * greedy tokens as no offload.
 */
import { strict as assert } from 'assert';
import { loadModel } from '../../extension/engine/engine';
import { randomModelAs, type RandomModelSpec } from '../helpers/model-factory';
import { sharedModel, skipWithoutSharedModels } from '../helpers/shared-models';
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
const SPECS: Record<string, RandomModelSpec> = {
  qwen3: QWEN3, qwen3moe: QWEN3MOE, gemma3: GEMMA3, starcoder2: STARCODER2, gemma2: GEMMA2, granite: GRANITE, mellum: MELLUM,
};

describe('backend: placement of architectures the GPU backends do not run', function () {
  this.timeout(120000);
  const files: Record<string, string> = {};
  before(async function () {
    skipWithoutSharedModels(this);
    const vocabFrom = sharedModel('llama.cpp-vocab/ggml-vocab-deepseek-coder.gguf');
    for (const [arch, spec] of Object.entries(SPECS)) files[arch] = await randomModelAs({ ...spec, vocabFrom }, 'F32');
  });

  for (const backend of GPU_BACKENDS.filter((b) => b !== 'cpu')) {
    it(`${backend}: every qwen3 layer offloads (QK-norm runs on the device)`, async function () {
      skipWithoutGpu(this, backend);
      const model = await loadModel(files.qwen3, { threads: 1, backend, gpuLayers: 'all' });
      try {
        assert.equal(model.info.gpuLayers, QWEN3.nLayer, model.info.reasons.join(' | '));
      } finally {
        model.dispose();
      }
    });
    const cases = [
      ['qwen3moe', /layer 1 has a mixture-of-experts FFN, which it does not run/],
      ['gemma3', /layer 1 has post-norms and GeGLU, which it does not run/],
      ['starcoder2', /has LayerNorm and output and FFN biases and a GELU MLP, which it does not run/],
      ['gemma2', /layer 1 has post-norms and GeGLU and attention soft-capping, which it does not run/],
      ['granite', /has a custom attention scale and a residual multiplier, which it does not run/],
      ['mellum', /has sliding-window attention and a mixture-of-experts FFN, which it does not run/],
    ] as const;
    for (const [arch, reason] of cases) {
      it(`${backend}: every ${arch} layer stays on the CPU, with the reason`, async function () {
        skipWithoutGpu(this, backend);
        const model = await loadModel(files[arch], { threads: 1, backend, gpuLayers: 'all' });
        try {
          assert.equal(model.info.gpuLayers, 0);
          assert.ok(model.info.reasons.some((r) => reason.test(r)), model.info.reasons.join(' | '));
        } finally {
          model.dispose();
        }
      });
    }
  }

  for (const arch of ['qwen3', 'qwen3moe', 'gemma3', 'starcoder2', 'gemma2', 'granite', 'mellum']) {
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

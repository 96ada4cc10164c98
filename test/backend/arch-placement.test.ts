/**
 * Architectures whose layers the GPU backends cannot run yet: qwen3's QK-norm
 * (no GPU kernel) and qwen3moe's experts (no GPU expert FFN). Asked to
 * offload, each GPU backend keeps those layers on the CPU and says why,
 * instead of running them without the op. The CPU backend's stages run the
 * CPU layer code, QK-norm included, so there the offload path must give the
 * same greedy tokens as no offload.
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

describe('backend: placement of architectures the GPU backends do not run', function () {
  this.timeout(120000);
  const files: Record<string, string> = {};
  before(async function () {
    skipWithoutSharedModels(this);
    const vocabFrom = sharedModel('llama.cpp-vocab/ggml-vocab-deepseek-coder.gguf');
    files.qwen3 = await randomModelAs({ ...QWEN3, vocabFrom }, 'F32');
    files.qwen3moe = await randomModelAs({ ...QWEN3MOE, vocabFrom }, 'F32');
  });

  for (const backend of GPU_BACKENDS.filter((b) => b !== 'cpu')) {
    for (const [arch, reason] of [['qwen3', /QK-norm/], ['qwen3moe', /runs on the CPU only/]] as const) {
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

  it('cpu stages (the offload path) run QK-norm: same greedy tokens as no stage', async () => {
    const tokens = async (gpuLayers: 'all' | 0): Promise<number[]> => {
      const model = await loadModel(files.qwen3, { threads: 1, backend: 'cpu', gpuLayers });
      try {
        assert.equal(model.info.gpuLayers, gpuLayers === 'all' ? QWEN3.nLayer : 0);
        const s = model.createSession({ contextLength: 64 });
        return (await s.generate([100, 200, 300], { maxTokens: 8, stopOnEog: false }).result).tokens;
      } finally {
        model.dispose();
      }
    };
    assert.deepEqual(await tokens('all'), await tokens(0));
  });
});

/**
 * gpuLayers parsing (facade and CLI) and the stage path on the CPU: the CPU
 * backend's stages run the same layer code as the decoder, so putting the
 * last N layers (and the head, when all) in a CPU stage must give identical
 * logits and tokens, through context shifts too; a stage failing at run time
 * (simulated device loss) moves the model to the CPU with a reason and the
 * same tokens.
 */
import { strict as assert } from 'assert';
import { loadModel, parseBackend, parseGpuLayers, type Model } from '../../extension/engine/engine';
import { randomModel, type RandomModelSpec } from '../helpers/model-factory';
import { runCli } from '../helpers/run-cli';
import { fixture } from '../helpers/fixtures';

const SPEC: RandomModelSpec = {
  arch: 'qwen2', vocabFrom: fixture('llama.cpp-vocab/ggml-vocab-deepseek-coder.gguf'), pre: 'qwen2',
  nEmbd: 128, nLayer: 4, nHead: 4, nHeadKv: 2, nFf: 256, nCtx: 256, tiedEmbeddings: true, seed: 82,
};

async function greedy(model: Model, prompt: number[], n: number, ctx: number): Promise<number[]> {
  const session = model.createSession({ contextLength: ctx, batchSize: 7 });
  try {
    const gen = session.generate(prompt, { maxTokens: n, stopOnEog: false, temperature: 0 });
    return (await gen.result).tokens;
  } finally {
    session.dispose();
  }
}

describe('backend: gpuLayers and the CPU stage path', function () {
  this.timeout(180000);

  it('parseGpuLayers / parseBackend accept the documented forms only', () => {
    assert.equal(parseGpuLayers('auto'), 'auto');
    assert.equal(parseGpuLayers('all'), 'all');
    assert.equal(parseGpuLayers('0'), 0);
    assert.equal(parseGpuLayers('28'), 28);
    assert.equal(parseGpuLayers(12), 12);
    for (const bad of ['-1', '1.5', 'ALL', ' 3', '3 ', '', '1e3', '0x10']) {
      assert.throws(() => parseGpuLayers(bad), (e: Error & { code?: string }) => e.code === 'E_INVALID_ARGUMENT' && e.message.includes(`'${bad}'`));
    }
    for (const bad of [-1, 2.5, NaN]) assert.throws(() => parseGpuLayers(bad), /gpuLayers must be/);
    for (const ok of ['auto', 'cpu', 'cuda', 'vulkan']) assert.equal(parseBackend(ok), ok);
    assert.throws(() => parseBackend('rocm'), /backend must be .* got 'rocm'/);
  });

  it('the CLI turns bad --backend / --gpu-layers into usage errors', async () => {
    const a = await runCli(['generate', 'm.gguf', '--prompt', 'x', '--gpu-layers', 'lots']);
    assert.notEqual(a.code, 0);
    assert.match(a.stderr, /--gpu-layers must be 'auto', 'all' or a non-negative integer, got 'lots'/);
    const b = await runCli(['bench', 'm.gguf', '--backend', 'tpu']);
    assert.notEqual(b.code, 0);
    assert.match(b.stderr, /--backend must be .* got 'tpu'/);
  });

  describe('with a model', () => {
    let file: string;
    before(async function () {
      file = await randomModel(SPEC);
    });

    it('CPU stages of 0, 1, 2 and all layers give identical logits and greedy tokens', async () => {
      const prompt = [15, 220, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 11000];
      let refLogits: Float32Array | undefined;
      let refTokens: number[] | undefined;
      for (const gpuLayers of [0, 1, 2, 'all'] as const) {
        const model = await loadModel(file, { threads: 1, backend: 'cpu', gpuLayers });
        try {
          const info = model.info;
          assert.equal(info.backend, 'cpu');
          assert.equal(info.gpuLayers, gpuLayers === 'all' ? 4 : gpuLayers);
          assert.equal(info.outputOnDevice, gpuLayers === 'all');
          const session = model.createSession({ contextLength: 64, batchSize: 5 });
          const { logits } = await session.evaluate(prompt);
          session.dispose();
          // Context 24 with 40 tokens: the context shifts (kv_shift on the stage's cache).
          const tokens = await greedy(model, prompt, 40, 24);
          if (!refLogits) {
            refLogits = Float32Array.from(logits);
            refTokens = tokens;
          } else {
            assert.deepEqual(Array.from(logits), Array.from(refLogits), `logits differ with gpuLayers ${gpuLayers}`);
            assert.deepEqual(tokens, refTokens, `tokens differ with gpuLayers ${gpuLayers}`);
          }
        } finally {
          model.dispose();
        }
      }
    });

    it('hearth bench --json reports pp/tg speed and where the model ran', async () => {
      const r = await runCli(['bench', file, '--pp', '16', '--tg', '4', '--threads', '1', '--backend', 'cpu', '--gpu-layers', '2', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout) as Record<string, unknown> & { runs: unknown[] };
      assert.deepEqual(
        { backend: doc.backend, gpuLayers: doc.gpuLayers, nLayer: doc.nLayer, pp: doc.pp, tg: doc.tg, runs: doc.runs.length },
        { backend: 'cpu', gpuLayers: 2, nLayer: 4, pp: 16, tg: 4, runs: 1 },
      );
      assert.ok((doc.ppTokensPerSec as number) > 0 && (doc.tgTokensPerSec as number) > 0);
      const human = await runCli(['bench', file, '--pp', '8', '--tg', '2', '--threads', '1']);
      assert.equal(human.code, 0, human.stderr);
      assert.match(human.stdout, /^pp8: [0-9.]+ t\/s\ntg2: [0-9.]+ t\/s\n$/);
      assert.match(human.stderr, /hearth: backend cpu/);
    });

    it('gpuLayers larger than the model means all layers; auto on the CPU backend stages none', async () => {
      const big = await loadModel(file, { threads: 1, backend: 'cpu', gpuLayers: 99 });
      assert.equal(big.info.gpuLayers, 4);
      big.dispose();
      const auto = await loadModel(file, { threads: 1, backend: 'cpu' });
      assert.equal(auto.info.gpuLayers, 0);
      auto.dispose();
    });
  });
});

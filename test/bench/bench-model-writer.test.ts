/** bench/model/write-model.ts on a tiny shape: the streamed file matches the plan and both header readers agree. */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspectModel } from '../../extension/engine/gguf';
import { loadModel } from '../../extension/engine/engine';
import { planModel, type ModelShape } from '../../bench/model/shapes';
import { writeBenchModel } from '../../bench/model/write-model';
import { skipWithoutSharedModels } from '../helpers/shared-models';

// The vocab is GPT-2's 50257 tokens + 8 markers, so nVocab must be at least 50265.
const SMALL: ModelShape = { id: 'small', nEmbd: 64, nLayer: 2, nHead: 4, nHeadKv: 2, nFf: 128, nVocab: 50304, nCtxTrain: 2048, tiedEmbeddings: true };

describe('bench: model writer (tiny shape)', function () {
  this.timeout(120000);
  let dir: string;
  before(function () {
    skipWithoutSharedModels(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-'));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const format of ['q8_0', 'bf16']) {
    it(`${format}: tensors, types, metadata and size as planned; Hearth loads and generates`, async () => {
      const file = path.join(dir, `small-${format}.gguf`);
      const { fileSize } = await writeBenchModel(SMALL, format, file);
      assert.equal(fs.statSync(file).size, fileSize);
      const info = await inspectModel(file);
      const plan = planModel(SMALL, format);
      assert.deepEqual(
        info.tensors.map((t) => [t.name, t.type, t.shape.join('x')]),
        plan.map((t) => [t.name, t.type, t.shape.join('x')]),
      );
      assert.equal(info.metadata['general.architecture'], 'qwen2');
      assert.equal(info.metadata['qwen2.block_count'], 2);
      assert.equal(info.metadata['tokenizer.ggml.pre'], 'qwen2');
      assert.equal((info.metadata['tokenizer.ggml.tokens'] as string[]).length, SMALL.nVocab);
      const model = await loadModel(file, { threads: 1 });
      try {
        assert.equal(model.info.nVocab, SMALL.nVocab);
        const s = model.createSession({ contextLength: 64 });
        const r = await s.generate([1212, 3303], { maxTokens: 3, stopOnEog: false }).result;
        assert.equal(r.tokens.length, 3);
        assert.ok(r.tokens.every((t) => t >= 0 && t < SMALL.nVocab));
      } finally {
        model.dispose();
      }
    });
  }
});

/** bench/model/write-model.ts on tiny shapes of each arch: the streamed file matches the plan, Hearth loads it and generates. */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspectModel } from '../../extension/engine/gguf';
import { loadModel } from '../../extension/engine/engine';
import { isMoe, planModel, type ModelShape } from '../../bench/model/shapes';
import { writeBenchModel } from '../../bench/model/write-model';
import { leadingTextTokens, shapeVocabPath } from '../../bench/model/vocab';

// The vocab is GPT-2's 50257 tokens + 8 markers, so nVocab must be at least 50265.
const SMALL: ModelShape = { id: 'small', arch: 'qwen2', nEmbd: 64, nLayer: 2, nHead: 4, nHeadKv: 2, headDim: 16, nFf: 128, nVocab: 50304, nCtxTrain: 2048, tiedEmbeddings: true };
// qwen3 with a head size other than nEmbd / nHead, as the real ones have.
const SMALL_QWEN3: ModelShape = { ...SMALL, id: 'small-qwen3', arch: 'qwen3', headDim: 32 };
// qwen3moe: 8 experts of width 64, 2 used per token, untied head.
const SMALL_MOE: ModelShape = { ...SMALL_QWEN3, id: 'small-moe', arch: 'qwen3moe', tiedEmbeddings: false, nExpert: 8, nExpertUsed: 2, nFfExp: 64 };
// Qwen's vocab size: two thirds of the rows are padding past GPT-2's text tokens.
const WIDE: ModelShape = { ...SMALL, id: 'wide', nVocab: 151936 };
// gemma3: 5 of 6 layers sliding (here layer 0 and 1) over 8 positions.
const SMALL_GEMMA3: ModelShape = { ...SMALL_QWEN3, id: 'small-gemma3', arch: 'gemma3', nHeadKv: 1, slidingWindow: 8 };
// starcoder2 on its own tokenizer (49152 tokens, markers first).
const SMALL_SC2: ModelShape = { ...SMALL, id: 'small-sc2', arch: 'starcoder2', headDim: 16, nVocab: 49152, ropeBase: 999999.4, normEps: 1e-5, vocab: 'ggml-vocab-starcoder.gguf' };
// gpt-oss: layer 0 slides over 8 positions, YaRN, 8 experts of 64 with biases, 2 used.
const SMALL_OSS: ModelShape = {
  ...SMALL_QWEN3, id: 'small-oss', arch: 'gpt-oss', tiedEmbeddings: false, nExpert: 8, nExpertUsed: 2, nFfExp: 64,
  ropeBase: 150000, normEps: 1e-5, slidingWindow: 8, ropeYarn: { factor: 4, origCtx: 512 },
};

describe('bench: model writer (tiny shapes)', function () {
  this.timeout(120000);
  let dir: string;
  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-bench-'));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const cases: [ModelShape, string][] = [
    [SMALL, 'q8_0'], [SMALL, 'bf16'], [SMALL_QWEN3, 'q8_0'], [SMALL_MOE, 'q8_0'], [SMALL_MOE, 'q4_k_m'],
    [SMALL_GEMMA3, 'q8_0'], [SMALL_SC2, 'q4_0'], [SMALL_OSS, 'q8_0'], [SMALL_OSS, 'mxfp4'],
  ];
  for (const [shape, format] of cases) {
    it(`${shape.arch} ${format}: tensors, types, metadata and size as planned; Hearth loads and generates`, async () => {
      const file = path.join(dir, `${shape.id}-${format}.gguf`);
      const { fileSize } = await writeBenchModel(shape, format, file, shapeVocabPath(shape));
      assert.equal(fs.statSync(file).size, fileSize);
      const info = await inspectModel(file);
      const plan = planModel(shape, format);
      assert.deepEqual(
        info.tensors.map((t) => [t.name, t.type, t.shape.join('x')]),
        plan.map((t) => [t.name, t.type, t.shape.join('x')]),
      );
      const a = shape.arch;
      assert.equal(info.metadata['general.architecture'], a);
      assert.equal(info.metadata[`${a}.block_count`], 2);
      assert.equal(info.metadata[`${a}.attention.key_length`], a === 'qwen2' ? undefined : shape.headDim);
      assert.equal(info.metadata[`${a}.expert_used_count`], isMoe(shape) ? 2 : undefined);
      assert.equal(info.metadata[`${a}.attention.sliding_window`], shape.slidingWindow);
      assert.equal(info.metadata['tokenizer.ggml.pre'], a === 'starcoder2' ? 'starcoder' : 'qwen2');
      assert.equal((info.metadata['tokenizer.ggml.tokens'] as string[]).length, shape.nVocab);
      const model = await loadModel(file, { threads: 1 });
      try {
        assert.equal(model.info.nVocab, shape.nVocab);
        const s = model.createSession({ contextLength: 64 });
        const r = await s.generate([1212, 3303], { maxTokens: 3, stopOnEog: false }).result;
        assert.equal(r.tokens.length, 3);
        assert.ok(r.tokens.every((t) => t >= 0 && t < shape.nVocab));
      } finally {
        model.dispose();
      }
    });
  }

  it('StarCoder2\'s own vocab is copied as it is, its leading control rows quiet', async () => {
    const file = path.join(dir, 'sc2-bf16.gguf');
    await writeBenchModel(SMALL_SC2, 'bf16', file, shapeVocabPath(SMALL_SC2));
    const info = await inspectModel(file);
    const ref = await inspectModel(shapeVocabPath(SMALL_SC2));
    for (const key of ['tokenizer.ggml.tokens', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges', 'tokenizer.ggml.pre']) {
      assert.deepEqual(info.metadata[key], ref.metadata[key], key);
    }
    const embd = info.tensors.find((t) => t.name === 'token_embd.weight');
    assert.ok(embd && embd.type === 'BF16');
    const cols = SMALL_SC2.nEmbd;
    const buf = Buffer.alloc(76 * cols * 2);
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, buf, 0, buf.length, info.dataOffset + embd.offset);
    } finally {
      fs.closeSync(fd);
    }
    // RMS of rows [r0, r0 + 38): 0-37 are <|endoftext|>, <fim_prefix>, ... (control), 38-75 text.
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    const rms = (r0: number): number => {
      let sum = 0;
      for (let i = r0 * cols; i < (r0 + 38) * cols; i++) {
        u[0] = buf.readUInt16LE(2 * i) << 16;
        sum += f[0] * f[0];
      }
      return Math.sqrt(sum / (38 * cols));
    };
    assert.ok(Math.abs(rms(38) - 0.02) < 0.003, `text rows RMS ${rms(38)}`);
    assert.ok(Math.abs(rms(0) / rms(38) - 0.1) < 0.02, `control rows RMS ${rms(0)}`);
  });

  it('a Qwen-sized vocab: rows past the text tokens are drawn at a tenth of the spread (so greedy picks are text)', async () => {
    const file = path.join(dir, 'wide-bf16.gguf');
    await writeBenchModel(WIDE, 'bf16', file);
    const info = await inspectModel(file);
    const textTokens = leadingTextTokens(info.metadata['tokenizer.ggml.token_type'] as number[]);
    assert.equal(textTokens, 50256, 'GPT-2 has 50256 text tokens before <|endoftext|>');
    const embd = info.tensors.find((t) => t.name === 'token_embd.weight');
    assert.ok(embd && embd.type === 'BF16');
    const cols = WIDE.nEmbd;
    const fd = fs.openSync(file, 'r');
    // RMS over a run of 512 rows starting at row0 (bf16: the high half of an f32).
    const rms = (row0: number): number => {
      const buf = Buffer.alloc(512 * cols * 2);
      fs.readSync(fd, buf, 0, buf.length, info.dataOffset + embd.offset + row0 * cols * 2);
      const f = new Float32Array(1);
      const u = new Uint32Array(f.buffer);
      let sum = 0;
      for (let i = 0; i < buf.length / 2; i++) {
        u[0] = buf.readUInt16LE(2 * i) << 16;
        sum += f[0] * f[0];
      }
      return Math.sqrt(sum / (buf.length / 2));
    };
    try {
      const text = rms(1000);
      const quiet = rms(100000);
      assert.ok(Math.abs(text - 0.02) < 0.002, `text rows RMS ${text}`);
      assert.ok(Math.abs(quiet / text - 0.1) < 0.01, `quiet rows RMS ${quiet} vs text ${text}`);
      assert.ok(Math.abs(rms(textTokens - 512) - text) < 0.002, 'the last text rows are not quiet');
    } finally {
      fs.closeSync(fd);
    }
  });
});

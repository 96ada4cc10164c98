/**
 * MXFP4 weights against llama.cpp (node-llama-cpp, CPU): a random llama
 * model whose matrices (embeddings and output included) are MXFP4, and a
 * gpt-oss model whose experts are (as released gpt-oss files have them), must
 * give the same tokens, last-position logits within the quantized formats'
 * tolerance, and the same 32-token greedy continuation, as in
 * differential.test.ts (whose formats are `hearth quantize` targets; MXFP4
 * is not one, so test/helpers/mxfp4-model.ts writes the files).
 */
import { strict as assert } from 'assert';
import { inspectModel } from '../../extension/engine/gguf';
import { compareWithOracle, formatMatrix, N_GREEDY, type MatrixRow } from '../helpers/oracle-compare';
import { randomModelMxfp4, type Mxfp4Part } from '../helpers/mxfp4-model';
import { dropCachedModels, randomModel, randomModelAs, type RandomModelSpec } from '../helpers/model-factory';
import { fixture } from '../helpers/fixtures';

// As the other quantized formats: both sides quantize activations to Q8_0
// and differ only in rounding and summation order.
const REL_TOLERANCE = 4e-2;

const SPEC: RandomModelSpec = {
  arch: 'llama', vocabFrom: fixture('llama.cpp-vocab/ggml-vocab-llama-spm.gguf'),
  nEmbd: 256, nLayer: 2, nHead: 8, nHeadKv: 4, nFf: 512, nCtx: 256, tiedEmbeddings: false, seed: 44,
};
const GPT_OSS: RandomModelSpec = {
  arch: 'gpt-oss', vocabFrom: fixture('llama.cpp-vocab/ggml-vocab-gpt-2.gguf'),
  nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 2, headDim: 64, nFf: 1024, nExpert: 8, nExpertUsed: 4, nFfExp: 256,
  nCtx: 256, tiedEmbeddings: false, ropeFreqBase: 150000, slidingWindow: 8, ropeYarn: { factor: 4, origCtx: 64 }, seed: 61,
};
/**
 * gpt-oss-20b's layer: 2880 wide (not a multiple of 256: no K-quant blocks), 64 heads of 64, 8 KV
 * heads, 32 experts of 2880 with 4 picked, YaRN x32 over 4096, one layer of 24. The window is 8, not
 * 128, so that it cuts at this length.
 */
const GPT_OSS_20B: RandomModelSpec = {
  arch: 'gpt-oss', vocabFrom: fixture('llama.cpp-vocab/ggml-vocab-gpt-2.gguf'),
  nEmbd: 2880, nLayer: 1, nHead: 64, nHeadKv: 8, headDim: 64, nFf: 2880, nExpert: 32, nExpertUsed: 4, nFfExp: 2880,
  nCtx: 256, tiedEmbeddings: false, ropeFreqBase: 150000, slidingWindow: 8, ropeYarn: { factor: 32, origCtx: 4096 }, seed: 89,
};
/** Picked so the top-1/top-2 margin along the greedy path clears the tolerance (see differential.test.ts). */
const PROMPTS = ['Once upon a time, in a café'];

describe('runtime: MXFP4 weights vs llama.cpp (node-llama-cpp)', function () {
  this.timeout(240000);

  const rows: MatrixRow[] = [];
  after(() => {
    if (rows.length) console.log(formatMatrix(rows));
  });

  const CASES: { label: string; spec: RandomModelSpec; part: Mxfp4Part; prompts: string[]; expect: (t: { name: string; shape: number[] }) => boolean }[] = [
    { label: 'llama with MXFP4 matrices', spec: SPEC, part: 'matrices', prompts: PROMPTS, expect: (t) => t.shape.length === 2 },
    {
      // As gpt-oss files ship: the experts in MXFP4, the rest F32 here.
      label: 'gpt-oss with MXFP4 experts', spec: GPT_OSS, part: 'experts', prompts: ['Once upon a time, in a café, there was a cat'],
      expect: (t) => t.shape.length === 3,
    },
  ];
  describe("gpt-oss at gpt-oss-20b's layer shape (2880 wide, 64 heads of 64, 8 KV heads, 32 experts of 2880, top 4)", () => {
    const prompts = ['Once upon a time, in a café, there was a cat'];
    after(() => process.env.CI && dropCachedModels(GPT_OSS_20B));
    it('F32 against llama.cpp', async () => {
      rows.push(...await compareWithOracle('gpt-oss-20b layer', 'F32', await randomModel(GPT_OSS_20B), prompts, 2e-3));
    });
    it('F16 against llama.cpp', async () => {
      rows.push(...await compareWithOracle('gpt-oss-20b layer', 'F16', await randomModelAs(GPT_OSS_20B, 'F16'), prompts, 2e-3));
    });
    for (const format of ['Q8_0', 'Q4_K_M']) {
      // Q4_K_M: rows of 2880 fit no 256-element block, so hearth quantize falls back as llama.cpp's does.
      it(`${format} (hearth quantize) against llama.cpp`, async () => {
        rows.push(...await compareWithOracle('gpt-oss-20b layer', format, await randomModelAs(GPT_OSS_20B, format), prompts, REL_TOLERANCE));
      });
    }
    it('MXFP4 experts, as released, against llama.cpp', async () => {
      rows.push(...await compareWithOracle('gpt-oss-20b layer', 'MXFP4', await randomModelMxfp4(GPT_OSS_20B, 'experts'), prompts, REL_TOLERANCE));
    });
  });

  for (const c of CASES) {
    it(`${c.label}: same tokens, logits within ${REL_TOLERANCE} x max|logit|, same ${N_GREEDY}-token greedy continuation`, async () => {
      const file = await randomModelMxfp4(c.spec, c.part);
      const info = await inspectModel(file);
      const converted = info.tensors.filter(c.expect);
      assert.ok(converted.length >= 2, `${converted.length} MXFP4 tensors`);
      for (const t of converted) assert.equal(t.type, 'MXFP4', t.name);
      rows.push(...await compareWithOracle(c.label, 'MXFP4', file, c.prompts, REL_TOLERANCE));
    });
  }
});

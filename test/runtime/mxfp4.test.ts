/**
 * MXFP4 weights against llama.cpp (node-llama-cpp, CPU): a random llama
 * model whose matrices (embeddings and output included) are MXFP4 must give
 * the same tokens, last-position logits within the quantized formats'
 * tolerance, and the same 32-token greedy continuation, as in
 * differential.test.ts (whose formats are `hearth quantize` targets; MXFP4
 * is not one, so test/helpers/mxfp4-model.ts writes the file).
 */
import { strict as assert } from 'assert';
import { loadModel } from '../../extension/engine/engine';
import { inspectModel } from '../../extension/engine/gguf';
import { OracleModel } from '../helpers/llama-oracle';
import { randomModelMxfp4, type Mxfp4Part } from '../helpers/mxfp4-model';
import type { RandomModelSpec } from '../helpers/model-factory';
import { sharedModel, skipWithoutSharedModels } from '../helpers/shared-models';

const N_GREEDY = 32;
// As the other quantized formats: both sides quantize activations to Q8_0
// and differ only in rounding and summation order.
const REL_TOLERANCE = 4e-2;
const MIN_COSINE = 0.999;

const SPEC: RandomModelSpec = {
  arch: 'llama', vocabFrom: sharedModel('llama.cpp-vocab/ggml-vocab-llama-spm.gguf'),
  nEmbd: 256, nLayer: 2, nHead: 8, nHeadKv: 4, nFf: 512, nCtx: 256, tiedEmbeddings: false, seed: 44,
};
const GPT_OSS: RandomModelSpec = {
  arch: 'gpt-oss', vocabFrom: sharedModel('llama.cpp-vocab/ggml-vocab-gpt-2.gguf'),
  nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 2, headDim: 64, nFf: 1024, nExpert: 8, nExpertUsed: 4, nFfExp: 256,
  nCtx: 256, tiedEmbeddings: false, ropeFreqBase: 150000, slidingWindow: 8, ropeYarn: { factor: 4, origCtx: 64 }, seed: 61,
};
/** Picked so the top-1/top-2 margin along the greedy path clears the tolerance (see differential.test.ts). */
const PROMPTS = ['Once upon a time, in a café'];

function topMargin(logits: Float32Array): number {
  let b1 = -Infinity;
  let b2 = -Infinity;
  for (const v of logits) {
    if (v > b1) {
      b2 = b1;
      b1 = v;
    } else if (v > b2) b2 = v;
  }
  return b1 - b2;
}

async function compare(label: string, file: string, prompts: string[]): Promise<void> {
  const ours = await loadModel(file, { threads: 1 });
  const oracle = await OracleModel.load(file);
  try {
    for (const prompt of prompts) {
      assert.deepEqual(ours.tokenize(prompt), oracle.tokenize(prompt), 'tokenization');
      const ids = ours.tokenize(prompt, { addBos: ours.info.addBos });
      const ref = await oracle.run(ids, N_GREEDY, ours.info.nVocab);

      const session = ours.createSession({ contextLength: 256 });
      const first = await session.evaluate(ids);
      let maxAbs = 0, scale = 0, dot = 0, na = 0, nb = 0;
      for (let i = 0; i < first.logits.length; i++) {
        const a = first.logits[i], b = ref.logits[i];
        maxAbs = Math.max(maxAbs, Math.abs(a - b));
        scale = Math.max(scale, Math.abs(b));
        dot += a * b;
        na += a * a;
        nb += b * b;
      }
      const cosine = dot / Math.sqrt(na * nb);
      const tol = REL_TOLERANCE * scale;

      const gen = await session.generate(ids, { maxTokens: N_GREEDY, stopOnEog: false }).result;
      let minMargin = topMargin(first.logits);
      for (let i = 1; i < gen.tokens.length; i++) {
        const step = await session.evaluate([...ids, ...gen.tokens.slice(0, i)]);
        minMargin = Math.min(minMargin, topMargin(step.logits));
      }
      session.dispose();
      const same = gen.tokens.filter((t, i) => t === ref.greedy[i]).length;
      // eslint-disable-next-line no-console
      console.log(`    ${label.split(' ')[0]} MXFP4 ${JSON.stringify(prompt).slice(0, 24)} greedy ${same}/${N_GREEDY}  max|logit| ${scale.toFixed(1)}  ` +
        `maxAbs ${maxAbs.toExponential(2)} (${(maxAbs / scale).toExponential(1)} rel)  cos ${cosine.toFixed(7)}  margin ${minMargin.toFixed(4)}`);
      assert.ok(maxAbs <= tol, `max |logit diff| ${maxAbs} > ${tol} (${REL_TOLERANCE} x max|logit| ${scale})`);
      assert.ok(cosine >= MIN_COSINE, `logit cosine ${cosine} < ${MIN_COSINE}`);
      assert.ok(minMargin > tol, `greedy margin ${minMargin} <= tolerance ${tol}: pick another prompt/seed`);
      assert.deepEqual(gen.tokens, ref.greedy, 'greedy continuation differs');
    }
  } finally {
    ours.dispose();
    await oracle.dispose();
  }
}

describe('runtime: MXFP4 weights vs llama.cpp (node-llama-cpp)', function () {
  this.timeout(240000);

  before(function () {
    skipWithoutSharedModels(this);
  });

  const CASES: { label: string; spec: RandomModelSpec; part: Mxfp4Part; prompts: string[]; expect: (t: { name: string; shape: number[] }) => boolean }[] = [
    { label: 'llama with MXFP4 matrices', spec: SPEC, part: 'matrices', prompts: PROMPTS, expect: (t) => t.shape.length === 2 },
    {
      // As gpt-oss files ship: the experts in MXFP4, the rest F32 here.
      label: 'gpt-oss with MXFP4 experts', spec: GPT_OSS, part: 'experts', prompts: ['Once upon a time, in a café, there was a cat'],
      expect: (t) => t.shape.length === 3,
    },
  ];
  for (const c of CASES) {
    it(`${c.label}: same tokens, logits within ${REL_TOLERANCE} x max|logit|, same ${N_GREEDY}-token greedy continuation`, async () => {
      const file = await randomModelMxfp4(c.spec, c.part);
      const info = await inspectModel(file);
      const converted = info.tensors.filter(c.expect);
      assert.ok(converted.length >= 2, `${converted.length} MXFP4 tensors`);
      for (const t of converted) assert.equal(t.type, 'MXFP4', t.name);
      await compare(c.label, file, c.prompts);
    });
  }
});

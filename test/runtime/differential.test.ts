/**
 * Differential tests against llama.cpp (node-llama-cpp, CPU): for random
 * models of every supported architecture in every weight format `hearth
 * quantize` writes, and for the tiny real models in test/fixtures, tokenization,
 * last-position logits and the 32-token greedy continuation must agree
 * (test/helpers/oracle-compare.ts). The prompts and seeds below were picked
 * (by scanning a handful per model) so that near-ties along the greedy path
 * (steps where two tokens lie within the format's tolerance) stay few.
 */
import { compareWithOracle, formatMatrix, matrix, N_GREEDY } from '../helpers/oracle-compare';
import { dropCachedModels, randomModelAs, type RandomModelSpec } from '../helpers/model-factory';
import { fixture } from '../helpers/fixtures';

/**
 * Tolerance on max |ours - llama.cpp| over the last-position logits, relative
 * to the largest |logit| (these random models have logits in the hundreds).
 * Both sides quantize activations the same way (Q8_0 / Q8_1 / Q8_K), but they
 * round and sum in different orders, and the random blocks amplify it;
 * measured worst cases: F32 7e-4, BF16 5e-3, quantized 3.2e-2. F16: llama.cpp
 * rounds the activations to F16 before each dot (Hearth keeps them F32), and
 * how much that costs depends on llama.cpp's own kernels: 7e-4 on an AVX2
 * EPYC, 2.0e-3 on an AVX-512 one (gemma3 with its soft-cap).
 */
const REL_TOLERANCE: Record<string, number> = {
  F32: 2e-3,
  F16: 3e-3,
  BF16: 1e-2,
  Q8_0: 4e-2,
  Q4_0: 4e-2,
  Q4_1: 4e-2,
  Q5_0: 4e-2,
  Q5_1: 4e-2,
  Q4_K: 4e-2,
  Q5_K: 4e-2,
  Q6_K: 4e-2,
  Q4_K_M: 4e-2,
  IQ4_NL: 4e-2,
  IQ4_XS: 4e-2,
};

interface ArchCase {
  label: string;
  spec: RandomModelSpec;
  /** Picked so near-ties along the greedy path stay few in every format (see the top). */
  prompts: string[];
  /** Formats to run (default: all). */
  formats?: string[];
  /** Context of both sides (default 256): a LongRoPE model's factor set depends on it. */
  contextLength?: number;
  /** A released model's layer shape (gigabytes per file): under CI its files are deleted after the case. */
  large?: boolean;
}

function vocab(name: string): string {
  return fixture(`llama.cpp-vocab/${name}`);
}

/** The qwen3 family's test shape: heads of 128 on a 256-wide model (not width / heads), GQA 4/2, tied head. */
const QWEN3_SHAPE = {
  vocabFrom: vocab('ggml-vocab-deepseek-coder.gguf'), pre: 'qwen2',
  nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 2, headDim: 128, nCtx: 256, tiedEmbeddings: true, ropeFreqBase: 1000000,
};

/** gemma3's test shape: heads of 64 on a 256-wide model, GQA 4/1 (as in the 1B), tied head. */
const GEMMA3_SHAPE = {
  arch: 'gemma3' as const, vocabFrom: vocab('ggml-vocab-llama-spm.gguf'),
  nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 1, headDim: 64, nFf: 512, nCtx: 256, tiedEmbeddings: true, ropeFreqBase: 1000000,
};

/** n values evenly from lo to hi. */
function ramp(n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/**
 * phi3 with LongRoPE (original context 256, context_length 1024): both factor
 * sets far from 1 and from each other, so that the wrong set, or none, moves
 * every rotated pair; cos and sin times 1.25 (Phi-3.5-mini's is 1.19).
 */
const PHI3_LONGROPE = {
  arch: 'phi3' as const, vocabFrom: vocab('ggml-vocab-phi-3.gguf'), fusedQkv: true,
  nEmbd: 256, nLayer: 2, nHead: 8, nHeadKv: 4, nFf: 512, nCtx: 1024, tiedEmbeddings: false, seed: 51,
  longRope: { short: ramp(16, 1.5, 4), long: ramp(16, 4, 16), origCtx: 256, attnFactor: 1.25 },
};

const ARCH_CASES: ArchCase[] = [
  {
    label: 'llama (llama-spm vocab, GQA 8/4, separate output)',
    spec: {
      arch: 'llama', vocabFrom: vocab('ggml-vocab-llama-spm.gguf'),
      nEmbd: 256, nLayer: 2, nHead: 8, nHeadKv: 4, nFf: 512, nCtx: 256, tiedEmbeddings: false, seed: 11,
    },
    prompts: ['Once upon a time, in a café', 'for (let i = 0; i < n; i++) {'],
  },
  {
    label: 'qwen2 (gpt2-style deepseek-coder vocab, pre=qwen2, GQA 4/2, tied, QKV bias)',
    spec: {
      arch: 'qwen2', vocabFrom: vocab('ggml-vocab-deepseek-coder.gguf'), pre: 'qwen2',
      nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 2, nFf: 512, nCtx: 256, tiedEmbeddings: true,
      ropeFreqBase: 1000000, seed: 12,
    },
    prompts: ['import numpy as np\nx = np.zeros(3)'],
  },
  {
    label: 'qwen3 (QK-norm, heads of 128 on a 256-wide model, GQA 4/2, no biases, tied)',
    spec: { ...QWEN3_SHAPE, arch: 'qwen3', nFf: 512, seed: 15 },
    prompts: ['Once upon a time, in a café, there was a cat'],
  },
  {
    // A top-k choice flips where a token's k-th and (k+1)-th experts are
    // within rounding of each other, and the flipped expert's share then moves
    // the logits by 1e-3..1e-1: seeds 15-17, 19 and 21 have such a token in
    // some format; 18 and 20 have none in any (scanned), and the all-experts
    // case below checks the weighted FFN without any choice.
    label: 'qwen3moe (QK-norm, 16 experts of 256, top 4 renormalized, GQA 4/2, tied)',
    spec: { ...QWEN3_SHAPE, arch: 'qwen3moe', nFf: 1024, nExpert: 16, nExpertUsed: 4, nFfExp: 256, seed: 18 },
    prompts: ['import numpy as np\nx = np.zeros(3)'],
  },
  {
    // Every expert used: the router's choice cannot differ, so this pins the expert FFN and weighting alone.
    label: 'qwen3moe all experts (8 of 8: the weighted sum without a top-k choice)',
    spec: { ...QWEN3_SHAPE, arch: 'qwen3moe', nFf: 1024, nExpert: 8, nExpertUsed: 8, nFfExp: 256, seed: 15 },
    prompts: ['import numpy as np\nx = np.zeros(3)'],
    formats: ['F32', 'F16', 'Q8_0', 'Q4_K_M'],
  },
  {
    // Layer 0 slides (window 8, its own RoPE base), layer 1 sees everything:
    // the prompt plus 32 generated tokens run well past the window.
    label: 'gemma3 (sliding window 8 on layer 0 of 2, post-norms, QK-norm, GeGLU, scaled embeddings, tied)',
    spec: { ...GEMMA3_SHAPE, slidingWindow: 8, slidingWindowPattern: 2, ropeFreqBaseSwa: 10000, seed: 21 },
    prompts: ['Once upon a time, in a café, there was a cat'],
  },
  {
    // No sliding_window key: every layer global; and the final logit soft-cap.
    // The cap is set near these random models' logits (hundreds) so tanh bends them without flattening the top.
    label: 'gemma3 without a window, logit soft-cap 50',
    spec: { ...GEMMA3_SHAPE, logitSoftcap: 50, seed: 26 },
    prompts: ['Once upon a time, in a café, there was a cat'],
    formats: ['F32', 'F16', 'Q8_0', 'Q4_K_M'],
  },
  {
    label: 'starcoder2 (LayerNorm with biases, GELU MLP with biases, QKV and output biases, GQA 4/2, tied)',
    spec: {
      arch: 'starcoder2', vocabFrom: vocab('ggml-vocab-starcoder.gguf'),
      nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 2, nFf: 1024, nCtx: 256, tiedEmbeddings: true,
      ropeFreqBase: 100000, seed: 23,
    },
    prompts: ['def fibonacci(n):\n    if n < 2:'],
  },
  {
    label: 'gemma (CodeGemma\'s block: GeGLU, scaled embeddings, no post-norms, tied)',
    spec: { ...GEMMA3_SHAPE, arch: 'gemma', seed: 72 },
    prompts: ['The quick brown fox'],
  },
  {
    // Layer 0 slides over 8 positions (gemma2's pattern: every other layer), attention and logits soft-capped.
    label: 'gemma2 (sliding window 8 on layer 0 of 2, attention soft-cap 3 (these random scores run to ~10), logit soft-cap 50, post-norms, GeGLU, tied)',
    spec: { ...GEMMA3_SHAPE, arch: 'gemma2', slidingWindow: 8, attnSoftcap: 3, logitSoftcap: 50, seed: 34 },
    prompts: ['The quick brown fox'],
  },
  {
    label: 'granite (embedding x2, residual x0.5, attention scale 0.1, logits / 4; llama block otherwise)',
    spec: {
      arch: 'granite', vocabFrom: vocab('ggml-vocab-llama-spm.gguf'),
      nEmbd: 256, nLayer: 2, nHead: 8, nHeadKv: 4, nFf: 512, nCtx: 256, tiedEmbeddings: false, seed: 42,
      granite: { logitScale: 4, residualScale: 0.5, embeddingScale: 2, attentionScale: 0.1 },
    },
    prompts: ['Once upon a time, in a café'],
  },
  {
    // Two layers, both sliding (mellum's pattern: three of every four) over 8 positions.
    label: 'mellum (QK-norm, 16 experts of 256, top 4 renormalized, sliding window 8, GQA 4/2)',
    spec: {
      ...QWEN3_SHAPE, arch: 'mellum', nFf: 1024, nExpert: 16, nExpertUsed: 4, nFfExp: 256, tiedEmbeddings: false,
      slidingWindow: 8, seed: 18,
    },
    prompts: ['import numpy as np\nx = np.zeros(3)'],
  },
  {
    label: 'phi3 (fused QKV and gate-up, NeoX RoPE, GQA 8/4)',
    spec: {
      arch: 'phi3', vocabFrom: vocab('ggml-vocab-phi-3.gguf'), fusedQkv: true,
      nEmbd: 256, nLayer: 2, nHead: 8, nHeadKv: 4, nFf: 512, nCtx: 256, tiedEmbeddings: false, seed: 51,
    },
    prompts: ['Once upon a time, in a café'],
  },
  {
    label: 'phi3 with separate Q, K, V',
    spec: {
      arch: 'phi3', vocabFrom: vocab('ggml-vocab-phi-3.gguf'),
      nEmbd: 256, nLayer: 2, nHead: 8, nHeadKv: 4, nFf: 512, nCtx: 256, tiedEmbeddings: false, seed: 52,
    },
    prompts: ['Once upon a time, in a café'],
    formats: ['F32', 'Q8_0'],
  },
  {
    // Layer 0 slides over 8 positions, layer 1 sees all; YaRN on both; sinks, biases everywhere,
    // 8 experts with biases, top 4 by raw logit weighed by their softmax, the clipped SwiGLU.
    label: 'gpt-oss (attention sinks, sliding window 8, YaRN, 8 experts top 4 with biases, clipped SwiGLU)',
    spec: {
      arch: 'gpt-oss', vocabFrom: vocab('ggml-vocab-gpt-2.gguf'), pre: 'gpt-4o',
      nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 2, headDim: 64, nFf: 1024, nExpert: 8, nExpertUsed: 4, nFfExp: 256,
      nCtx: 256, tiedEmbeddings: false, ropeFreqBase: 150000, slidingWindow: 8, ropeYarn: { factor: 4, origCtx: 64 },
      seed: 61,
    },
    prompts: ['Once upon a time, in a café, there was a cat'],
    formats: ['F32', 'F16', 'Q8_0', 'Q4_K_M'],
  },
  {
    // The released models' layer geometry, one layer deep (the vocabulary is the test vocab's).
    label: 'qwen3 at Qwen3-0.6B\'s layer shape (1024 wide, 16 heads of 128, 8 KV heads, FFN 3072; 1 of 28 layers)',
    spec: {
      arch: 'qwen3', vocabFrom: vocab('ggml-vocab-deepseek-coder.gguf'), pre: 'qwen2',
      nEmbd: 1024, nLayer: 1, nHead: 16, nHeadKv: 8, headDim: 128, nFf: 3072, nCtx: 256, tiedEmbeddings: true,
      ropeFreqBase: 1000000, seed: 81,
    },
    prompts: ['Once upon a time, in a café, there was a cat'],
    formats: ['F32', 'F16', 'Q8_0', 'Q4_K_M'],
  },
  {
    label: 'gemma3 at Gemma-3-1B\'s layer shape (1152 wide, 4 heads of 256, 1 KV head, FFN 6912; 1 of 26 layers)',
    spec: {
      arch: 'gemma3', vocabFrom: vocab('ggml-vocab-llama-spm.gguf'),
      nEmbd: 1152, nLayer: 1, nHead: 4, nHeadKv: 1, headDim: 256, nFf: 6912, nCtx: 256, tiedEmbeddings: true,
      ropeFreqBase: 1000000, seed: 82,
    },
    prompts: ['Once upon a time, in a café, there was a cat'],
    formats: ['F32', 'F16', 'Q8_0', 'Q4_K_M'],
  },
  {
    // The routed block of Qwen3-Coder-30B-A3B: 128 experts of 768, 8 picked per token (2.4 GB in
    // F32); the router stays F32 in every format.
    label: 'qwen3moe at Qwen3-Coder-30B-A3B\'s layer shape (2048 wide, 32 heads of 128, 4 KV heads, 128 experts of 768, top 8; 1 of 48 layers)',
    spec: {
      arch: 'qwen3moe', vocabFrom: vocab('ggml-vocab-deepseek-coder.gguf'), pre: 'qwen2',
      nEmbd: 2048, nLayer: 1, nHead: 32, nHeadKv: 4, headDim: 128, nFf: 6144, nExpert: 128, nExpertUsed: 8, nFfExp: 768,
      nCtx: 256, tiedEmbeddings: false, ropeFreqBase: 10000000, seed: 83,
    },
    prompts: ['def fibonacci(n):\n    if n < 2:', 'Once upon a time'],
    formats: ['F32', 'F16', 'Q8_0', 'Q4_K_M'],
    large: true,
  },
  {
    label: 'starcoder2 at StarCoder2-3B\'s layer shape (3072 wide, 24 heads of 128, 2 KV heads, FFN 12288; 1 of 30 layers)',
    spec: {
      arch: 'starcoder2', vocabFrom: vocab('ggml-vocab-starcoder.gguf'),
      nEmbd: 3072, nLayer: 1, nHead: 24, nHeadKv: 2, nFf: 12288, nCtx: 256, tiedEmbeddings: true,
      ropeFreqBase: 999999.4, seed: 184,
    },
    prompts: ['def fibonacci(n):\n    if n < 2:'],
    formats: ['F32', 'F16', 'Q8_0', 'Q4_K_M'],
    large: true,
  },
  {
    label: 'phi3 at Phi-3-mini\'s layer shape (3072 wide, 32 heads of 96, no GQA, fused QKV, FFN 8192; 1 of 32 layers)',
    spec: {
      arch: 'phi3', vocabFrom: vocab('ggml-vocab-phi-3.gguf'), fusedQkv: true,
      nEmbd: 3072, nLayer: 1, nHead: 32, nHeadKv: 32, nFf: 8192, nCtx: 256, tiedEmbeddings: false, seed: 85,
    },
    prompts: ['Once upon a time, in a café'],
    formats: ['F32', 'F16', 'Q8_0', 'Q4_K_M'],
    large: true,
  },
  {
    label: 'granite at Granite-3.3-2B\'s layer shape (2048 wide, 32 heads of 64, 8 KV heads, FFN 8192, its four multipliers; 1 of 40 layers)',
    spec: {
      arch: 'granite', vocabFrom: vocab('ggml-vocab-llama-spm.gguf'),
      nEmbd: 2048, nLayer: 1, nHead: 32, nHeadKv: 8, nFf: 8192, nCtx: 256, tiedEmbeddings: true, ropeFreqBase: 10000000, seed: 86,
      granite: { logitScale: 8, residualScale: 0.22, embeddingScale: 12, attentionScale: 0.015625 },
    },
    prompts: ['Once upon a time, in a café'],
    formats: ['F32', 'F16', 'Q8_0', 'Q4_K_M'],
    large: true,
  },
  {
    // Gemma 2's window is 4096: at this length it cuts nothing, so a window of 8 keeps the op in play.
    // Its attention soft-cap is 50; its logit cap of 30 would flatten these random logits (hundreds) into ties, so 500.
    label: 'gemma2 at Gemma-2-2B\'s layer shape (2304 wide, 8 heads of 256, 4 KV heads, FFN 9216, attention soft-cap 50; 2 of 26 layers)',
    spec: {
      arch: 'gemma2', vocabFrom: vocab('ggml-vocab-llama-spm.gguf'),
      nEmbd: 2304, nLayer: 2, nHead: 8, nHeadKv: 4, headDim: 256, nFf: 9216, nCtx: 256, tiedEmbeddings: true,
      ropeFreqBase: 10000, slidingWindow: 8, attnSoftcap: 50, logitSoftcap: 500, seed: 87,
    },
    prompts: ['The quick brown fox'],
    formats: ['F32', 'F16', 'Q8_0', 'Q4_K_M'],
    large: true,
  },
  {
    label: 'gemma at CodeGemma-2B\'s layer shape (2048 wide, 8 heads of 256, 1 KV head, FFN 16384; 1 of 18 layers)',
    spec: {
      arch: 'gemma', vocabFrom: vocab('ggml-vocab-llama-spm.gguf'),
      nEmbd: 2048, nLayer: 1, nHead: 8, nHeadKv: 1, headDim: 256, nFf: 16384, nCtx: 256, tiedEmbeddings: true,
      ropeFreqBase: 10000, seed: 88,
    },
    prompts: ['The quick brown fox'],
    formats: ['F32', 'F16', 'Q8_0', 'Q4_K_M'],
    large: true,
  },
  {
    label: 'llama+rope_freqs (Llama 3 style per-pair rope divisors)',
    spec: {
      arch: 'llama', vocabFrom: vocab('ggml-vocab-llama-spm.gguf'),
      nEmbd: 256, nLayer: 2, nHead: 8, nHeadKv: 4, nFf: 512, nCtx: 256, tiedEmbeddings: false, seed: 11,
      ropeFreqBase: 500000, ropeFreqFactors: true,
    },
    prompts: ['Once upon a time, in a café, there was a cat who liked to sit by the window and watch the rain'],
    formats: ['F32', 'Q8_0'],
  },
  {
    // Pairs below the correction dims keep the unscaled angle, above them the
    // scaled one; cos and sin gain 1 + 0.1 ln 4. The original context is short
    // so the ramp lies inside the rotated dims.
    label: 'llama+yarn (rope.scaling.type yarn, factor 4, original context 64)',
    spec: {
      arch: 'llama', vocabFrom: vocab('ggml-vocab-llama-spm.gguf'),
      nEmbd: 256, nLayer: 2, nHead: 8, nHeadKv: 4, nFf: 512, nCtx: 256, tiedEmbeddings: false, seed: 11,
      ropeYarn: { factor: 4, origCtx: 64 },
    },
    prompts: ['Once upon a time, in a café, there was a cat who liked to sit by the window and watch the rain'],
    formats: ['F32', 'Q8_0'],
  },
  {
    label: 'qwen2+yarn (NeoX pairs, factor 8, original context 128)',
    spec: {
      arch: 'qwen2', vocabFrom: vocab('ggml-vocab-deepseek-coder.gguf'), pre: 'qwen2',
      nEmbd: 256, nLayer: 2, nHead: 4, nHeadKv: 2, nFf: 512, nCtx: 256, tiedEmbeddings: true,
      ropeFreqBase: 1000000, seed: 12, ropeYarn: { factor: 8, origCtx: 128 },
    },
    prompts: ['import numpy as np\nx = np.zeros(3)'],
    formats: ['F32', 'Q8_0'],
  },
  {
    // llama.cpp takes the short set while its context is at most the original one.
    label: 'phi3+longrope short factors (context 256 = original 256, attn_factor 1.25)',
    spec: PHI3_LONGROPE,
    contextLength: 256,
    prompts: ['Once upon a time, in a café'],
    formats: ['F32', 'Q8_0'],
  },
  {
    label: 'phi3+longrope long factors (context 512 > original 256, attn_factor 1.25)',
    spec: PHI3_LONGROPE,
    contextLength: 512,
    prompts: ['Once upon a time, in a café'],
    formats: ['F32', 'Q8_0'],
  },
  {
    // Phi-4-mini's shape of it: 3/4 of each head rotates (the factors cover those
    // pairs); the type stated, no attn_factor (llama.cpp then scales by 1).
    label: 'phi3+longrope long factors, type stated, no attn_factor, 24 of 32 dims rotating (context 512)',
    spec: {
      ...PHI3_LONGROPE, nRot: 24, seed: 55,
      longRope: { short: ramp(12, 1.5, 4), long: ramp(12, 4, 16), origCtx: 256, statesType: true },
    },
    contextLength: 512,
    prompts: ['Once upon a time, in a café'],
    formats: ['F32', 'Q8_0'],
  },
  {
    label: 'llama+linear (rope.scaling.type linear, factor 4)',
    spec: {
      arch: 'llama', vocabFrom: vocab('ggml-vocab-llama-spm.gguf'),
      nEmbd: 256, nLayer: 2, nHead: 8, nHeadKv: 4, nFf: 512, nCtx: 256, tiedEmbeddings: false, seed: 11,
      ropeLinearFactor: 4,
    },
    prompts: ['Once upon a time, in a café, there was a cat who liked to sit by the window and watch the rain'],
    formats: ['F32', 'Q8_0'],
  },
];

const FORMATS = (process.env.HEARTH_DIFF_FORMATS ?? Object.keys(REL_TOLERANCE).join(',')).split(',');

describe('runtime: differential vs llama.cpp (node-llama-cpp)', function () {
  this.timeout(240000);

  after(() => {
    if (matrix.length === 0) return;
    console.log(formatMatrix(matrix));
  });

  for (const c of ARCH_CASES) {
    describe(c.label, () => {
      if (c.large) after(() => process.env.CI && dropCachedModels(c.spec));
      for (const format of FORMATS.filter((f) => !c.formats || c.formats.includes(f))) {
        it(`${format}: same tokens, logits within ${REL_TOLERANCE[format]} x max|logit|, same ${N_GREEDY}-token greedy continuation`, async function () {
          const path = await randomModelAs(c.spec, format);
          await compareWithOracle(c.label, format, path, c.prompts, REL_TOLERANCE[format], c.contextLength);
        });
      }
    });
  }

  describe('tiny real models (test/fixtures)', () => {
    it('stories260K (trained, v3): same tokens, logits, greedy continuation', async function () {
      await compareWithOracle('stories260K', 'F32', fixture('tiny-llama/tinyllamas-stories-260k-f32.v3-derived.gguf'), ['Once upon a time'], 2e-3);
    });
    it('llama-2-tiny-random (F16 weights, 32k vocab): same tokens, logits, greedy continuation', async function () {
      await compareWithOracle('tiny-random', 'F16', fixture('tiny-llama/llama-2-tiny-random.gguf'), ['Hello world'], 6e-4);
    });
  });
});

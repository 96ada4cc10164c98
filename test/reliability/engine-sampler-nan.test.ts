/**
 * NaN and infinite logits through every sampler (issue 15, defect 13b). The
 * old comparators were not a strict weak order under NaN (undefined
 * behaviour in std::sort) and greedy kept a NaN in first place as the
 * maximum. Now NaN counts as -inf everywhere: a draw always returns a token
 * of the vocab, and a single number among NaNs wins under every chain.
 */
import { strict as assert } from 'assert';
import { loadTestingBinding, type NativeSamplingOptions } from '../helpers/testing-binding';

const N = 4096;  // well past std::sort's insertion-sort threshold

// Each sampler on its own (after the chain's fixed order), and them all.
const CHAINS: Array<[string, NativeSamplingOptions]> = [
  ['greedy', { temperature: 0 }],
  ['temperature', { temperature: 1.3, topK: 0, topP: 1, minP: 0, seed: 5 }],
  ['top-k', { temperature: 1, topK: 10, topP: 1, minP: 0, seed: 5 }],
  ['top-p', { temperature: 1, topK: 0, topP: 0.5, minP: 0, seed: 5 }],
  ['min-p', { temperature: 1, topK: 0, topP: 1, minP: 0.2, seed: 5 }],
  ['penalties + greedy', { temperature: 0, repeatPenalty: 1.3, frequencyPenalty: 0.5, presencePenalty: 0.4, repeatLastN: 64 }],
  ['penalties (repeat 0) + greedy', { temperature: 0, repeatPenalty: 0, repeatLastN: 64 }],
  ['all', { temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, frequencyPenalty: 0.1, presencePenalty: 0.1, seed: 9 }],
];

function filled(f: (i: number) => number): Float32Array {
  const a = new Float32Array(N);
  for (let i = 0; i < N; i++) a[i] = f(i);
  return a;
}

// A fixed pseudo-random pick per index (no Math.random: reproducible).
const pick = (i: number, k: number): number => ((i * 2654435761) >>> 0) % k;

const VECTORS: Array<[string, Float32Array]> = [
  ['all NaN', filled(() => NaN)],
  ['all +inf', filled(() => Infinity)],
  ['all -inf', filled(() => -Infinity)],
  ['NaN, +inf, -inf and numbers mixed', filled((i) => [NaN, Infinity, -Infinity, (i % 17) - 8][pick(i, 4)])],
  ['NaN and -inf mixed', filled((i) => (pick(i, 2) ? NaN : -Infinity))],
  ['NaN and numbers mixed', filled((i) => (pick(i, 3) === 0 ? NaN : Math.sin(i) * 10))],
];

// History for the penalties: tokens that include the winners below.
const HISTORY = [0, 1, 777, 1234, 777, 5];

describe('reliability: samplers under NaN and infinite logits', () => {
  const native = loadTestingBinding();

  for (const [chain, options] of CHAINS) {
    for (const [vector, logits] of VECTORS) {
      it(`${chain}: ${vector} -> a token of the vocab`, () => {
        const id = native.sampleLogits(logits, options, HISTORY);
        assert.ok(Number.isInteger(id) && id >= 0 && id < N, `got ${id}`);
      });
    }

    it(`${chain}: one number among NaNs wins (NaN is -inf, never a maximum)`, () => {
      const logits = filled((i) => (i === 1234 ? -3 : NaN));
      assert.equal(native.sampleLogits(logits, options, HISTORY), 1234);
    });

    it(`${chain}: one +inf among NaN and numbers wins`, () => {
      const logits = filled((i) => (i === 777 ? Infinity : pick(i, 2) ? NaN : i / 100));
      assert.equal(native.sampleLogits(logits, options, HISTORY), 777);
    });
  }

  it('all-NaN greedy picks the lowest id, as an argmax over equal values would', () => {
    assert.equal(native.sampleLogits(filled(() => NaN), { temperature: 0 }), 0);
  });
});

/**
 * One model file against llama.cpp (node-llama-cpp, the oracle): the
 * tokenization of fixed strings, the last-position logits of each prompt
 * within a tolerance relative to the largest logit, and the 32-token greedy
 * continuation. The runtime differential tests share it.
 *
 * Near-ties: with random weights two tokens can score almost the same, and
 * then a tiny, legitimate difference in summation order (another ISA, another
 * quantization of the activations) flips the greedy pick. So the greedy
 * check walks llama.cpp's path (teacher-forced): at every one of the 32
 * steps our pick must be llama.cpp's, or the two picks must lie within the
 * logit tolerance of each other in our logits (a near-tie, counted); our own
 * generation must equal llama.cpp's up to the first near-tie. More than
 * N_GREEDY / 8 near-ties says "pick another prompt or seed", not "differs".
 */
import { strict as assert } from 'assert';
import { loadModel, type Model } from '../../extension/engine/engine';
import { OracleModel } from './llama-oracle';

export const N_GREEDY = 32;
const MAX_NEAR_TIES = N_GREEDY / 8;

/** Cosine similarity floor of the logit vectors, by how tight the format's tolerance is. */
export function minCosine(relTol: number): number {
  return relTol <= 3e-3 ? 0.99999 : relTol <= 1e-2 ? 0.9999 : 0.999;
}

export const TOKENIZE_PROMPTS = [
  'Once upon a time',
  'def fibonacci(n):\n    if n < 2:\n        return n\n    return fibonacci(n - 1) + fibonacci(n - 2)\n',
  'const x = { a: 1, "b": [2, 3] }; // comment',
  'Ünïcödé: naïve café, 漢字, Привет, 😀🚀',
  '   leading spaces and\ttabs\n\nnewlines  ',
];

export interface MatrixRow {
  model: string;
  format: string;
  prompt: string;
  tokenize: string;
  greedy: string;
  maxAbs: number;
  cosine: number;
  minMargin: number;
  scale: number;
}
/** Every row compared in this process, for the summary table a test file prints. */
export const matrix: MatrixRow[] = [];

/** The summary table of rows, one line each, for a test file's after() hook. */
export function formatMatrix(rows: readonly MatrixRow[]): string {
  return '\n    model x format: tokenization, greedy agreement (near-ties), last-logit max|diff|, cosine, min top1-top2 margin on llama.cpp\'s path\n' +
    rows
      .map((r) => `    ${r.model.split(' ')[0].padEnd(10)} ${r.format.padEnd(7)} ${r.prompt.padEnd(24)} tok ${r.tokenize} greedy ${r.greedy.padStart(5)}  ` +
        `max|logit| ${r.scale.toFixed(1)}  maxAbs ${r.maxAbs.toExponential(2)} (${(r.maxAbs / r.scale).toExponential(1)} rel)  cos ${r.cosine.toFixed(7)}  margin ${r.minMargin.toFixed(4)}`)
      .join('\n');
}

function compareLogits(a: Float32Array, b: Float32Array): { maxAbs: number; cosine: number; scale: number } {
  let maxAbs = 0;
  let scale = 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return { maxAbs, cosine: dot / Math.sqrt(na * nb), scale };
}

/** The arg-max and its lead over the runner-up. */
function top(logits: Float32Array): { pick: number; margin: number } {
  let pick = 0;
  let b1 = -Infinity;
  let b2 = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i];
    if (v > b1) {
      b2 = b1;
      b1 = v;
      pick = i;
    } else if (v > b2) b2 = v;
  }
  return { pick, margin: b1 - b2 };
}

/**
 * Compares one model file with llama.cpp; returns the matrix rows. Both sides
 * get the same context (default 256): a LongRoPE model picks its factor set by it.
 */
export async function compareWithOracle(
  label: string, format: string, path: string, prompts: (string | number[])[], relTol: number, contextLength = 256,
): Promise<MatrixRow[]> {
  const ours: Model = await loadModel(path, { threads: 1, contextLength });
  const oracle = await OracleModel.load(path);
  try {
    for (const text of TOKENIZE_PROMPTS) {
      assert.deepEqual(ours.tokenize(text), oracle.tokenize(text), `tokenization of ${JSON.stringify(text)}`);
    }
    const rows: MatrixRow[] = [];
    for (const prompt of prompts) {
      const ids = typeof prompt === 'string' ? ours.tokenize(prompt, { addBos: ours.info.addBos }) : prompt;
      const ref = await oracle.run(ids, N_GREEDY, ours.info.nVocab, contextLength);

      const session = ours.createSession({ contextLength });
      const first = await session.evaluate(ids);
      const { maxAbs, cosine, scale } = compareLogits(first.logits, ref.logits);
      const tol = relTol * scale;

      const gen = await session.generate(ids, { maxTokens: N_GREEDY, stopOnEog: false }).result;
      // llama.cpp's path, teacher-forced (each step reuses the cached prefix).
      let minMargin = Infinity;
      let firstNearTie = -1;
      const nearTies: string[] = [];
      let differs = '';
      for (let i = 0; i < ref.greedy.length; i++) {
        const step = i === 0 ? first : await session.evaluate([...ids, ...ref.greedy.slice(0, i)]);
        const { pick, margin } = top(step.logits);
        minMargin = Math.min(minMargin, margin);
        if (pick === ref.greedy[i]) continue;
        const gap = step.logits[pick] - step.logits[ref.greedy[i]];
        if (gap > tol) {
          differs ||= `${format}: greedy step ${i} differs: ours ${pick}, llama.cpp ${ref.greedy[i]}, ${gap} apart in our logits (tolerance ${tol})`;
          continue;
        }
        if (firstNearTie < 0) firstNearTie = i;
        nearTies.push(`step ${i} (${gap.toExponential(1)} apart)`);
      }
      session.dispose();
      const agreeTo = firstNearTie < 0 ? N_GREEDY : firstNearTie;
      const row: MatrixRow = {
        model: label, format, prompt: JSON.stringify(prompt).slice(0, 24), tokenize: 'same',
        greedy: `${gen.tokens.filter((t, i) => t === ref.greedy[i]).length}/${N_GREEDY}` + (nearTies.length ? ` (${nearTies.length} near-tie)` : ''),
        maxAbs, cosine, minMargin, scale,
      };
      matrix.push(row);
      rows.push(row);
      assert.equal(ref.greedy.length, N_GREEDY, 'llama.cpp generated fewer tokens than asked');
      assert.ok(maxAbs <= tol, `${format}: max |logit diff| ${maxAbs} > ${tol} (${relTol} x max|logit| ${scale})`);
      assert.ok(cosine >= minCosine(relTol), `${format}: logit cosine ${cosine} < ${minCosine(relTol)}`);
      assert.ok(!differs, differs);
      assert.deepEqual(gen.tokens.slice(0, agreeTo), ref.greedy.slice(0, agreeTo), `${format}: greedy continuation differs`);
      assert.ok(nearTies.length <= MAX_NEAR_TIES, `${format}: ${nearTies.length} near-ties (${nearTies.join(', ')}): pick another prompt/seed`);
    }
    return rows;
  } finally {
    ours.dispose();
    await oracle.dispose();
  }
}


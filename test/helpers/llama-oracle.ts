/**
 * llama.cpp through node-llama-cpp (CPU prebuilt, offline) as the oracle for
 * differential tests: tokenization, greedy continuation, last-position logits.
 */
import type { Llama, LlamaModel } from 'node-llama-cpp';

let llamaPromise: Promise<Llama> | undefined;

export async function getOracle(): Promise<Llama> {
  if (!llamaPromise) {
    llamaPromise = (async () => {
      const { getLlama } = await import('node-llama-cpp');
      return getLlama({ gpu: false, build: 'never', usePrebuiltBinaries: true, logLevel: 'error' as never });
    })();
  }
  return llamaPromise;
}

export interface OracleRun {
  tokens: number[];
  /** Logits after the whole prompt, [n_vocab]. */
  logits: Float32Array;
  /** Greedy continuation (EOG tokens included, not stopped on). */
  greedy: number[];
}

export class OracleModel {
  private constructor(readonly model: LlamaModel) {}

  static async load(path: string): Promise<OracleModel> {
    const llama = await getOracle();
    return new OracleModel(await llama.loadModel({ modelPath: path }));
  }

  tokenize(text: string): number[] {
    return this.model.tokenize(text, false).map(Number);
  }

  /**
   * Evaluates prompt ids and continues greedily for n tokens, in a context of
   * contextSize cells (one sequence: llama.cpp's per-sequence context, which
   * picks a LongRoPE model's factor set, is this rounded up to 256).
   */
  async run(prompt: number[], n: number, nVocab: number, contextSize = 256): Promise<OracleRun> {
    const ctx = await this.model.createContext({ contextSize, batchSize: 256, threads: 1 });
    try {
      const seq = ctx.getSequence();
      const items = prompt.map((t, i) =>
        i === prompt.length - 1 ? ([t, { generateNext: { logits: true, token: true } }] as const) : t,
      );
      const out = await seq.controlledEvaluate(items as never);
      const last = out[prompt.length - 1];
      const map = last?.next.logits;
      if (!map) throw new Error('node-llama-cpp returned no logits');
      const logits = new Float32Array(nVocab);
      for (const [tok, v] of map) logits[Number(tok)] = v;
      const greedy: number[] = [];
      let next = last?.next.token;
      while (greedy.length < n && next !== undefined && next !== null) {
        greedy.push(Number(next));
        if (greedy.length === n) break;
        const step = await seq.controlledEvaluate([[next, { generateNext: { token: true } }]] as never);
        next = step[0]?.next.token;
      }
      return { tokens: prompt, logits, greedy };
    } finally {
      await ctx.dispose();
    }
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}

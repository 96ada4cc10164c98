/**
 * Profiling aid (not a benchmark): npx tsx bench/pp-loop.ts MODEL [tokens=512] [rounds=6]
 * Evaluates a prompt of `tokens` ids from an empty session `rounds` times and
 * prints tok/s per round, so `perf record -g -- npx tsx bench/pp-loop.ts ...`
 * sees a steady prompt-processing loop.
 */
import { loadModel } from '../extension/engine/engine';

async function main(): Promise<void> {
  const [file, tokensArg, roundsArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: bench/pp-loop.ts MODEL [tokens] [rounds]');
  const tokens = Number(tokensArg ?? 512), rounds = Number(roundsArg ?? 6);
  const model = await loadModel(file, { contextLength: 1024, threads: Number(process.env.THREADS ?? 2) });
  const ids = Array.from({ length: tokens }, (_, i) => 1000 + ((i * 7919) % 20000));
  for (let r = 0; r < rounds; r++) {
    const s = model.createSession({ contextLength: 1024, batchSize: 512 });
    const t0 = performance.now();
    await s.evaluate(ids);
    const ms = performance.now() - t0;
    console.log(`round ${r + 1}: ${tokens} tokens in ${ms.toFixed(0)} ms, ${((tokens / ms) * 1000).toFixed(1)} tok/s`);
    s.dispose();
  }
  model.dispose();
}

void main();

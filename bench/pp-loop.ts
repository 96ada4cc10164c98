/**
 * Profiling aid (not a benchmark): npx tsx bench/pp-loop.ts MODEL [tokens=512] [rounds=6] [tg=0]
 * Evaluates a prompt of `tokens` ids from an empty session `rounds` times and
 * prints tok/s per round, so `perf record -g -- npx tsx bench/pp-loop.ts ...`
 * sees a steady prompt-processing loop. With tg > 0 each round then feeds tg
 * single tokens after the prompt (a generation loop without the sampler).
 */
import { loadModel } from '../extension/engine/engine';

async function main(): Promise<void> {
  const [file, tokensArg, roundsArg, tgArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: bench/pp-loop.ts MODEL [tokens] [rounds]');
  const tokens = Number(tokensArg ?? 512), rounds = Number(roundsArg ?? 6), tg = Number(tgArg ?? 0);
  const model = await loadModel(file, { contextLength: 1024, threads: Number(process.env.THREADS ?? 2) });
  const ids = Array.from({ length: tokens }, (_, i) => 1000 + ((i * 7919) % 20000));
  for (let r = 0; r < rounds; r++) {
    const s = model.createSession({ contextLength: 1024, batchSize: 512 });
    const t0 = performance.now();
    await s.evaluate(ids);
    const ms = performance.now() - t0;
    console.log(`round ${r + 1}: ${tokens} tokens in ${ms.toFixed(0)} ms, ${((tokens / ms) * 1000).toFixed(1)} tok/s`);
    if (tg > 0) {
      const t1 = performance.now();
      for (let i = 0; i < tg; i++) await s.evaluate([2000 + i]);
      const gms = performance.now() - t1;
      console.log(`round ${r + 1}: ${tg} single tokens in ${gms.toFixed(0)} ms, ${((tg / gms) * 1000).toFixed(1)} tok/s`);
    }
    s.dispose();
  }
  model.dispose();
}

void main();

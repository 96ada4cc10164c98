/**
 * Kernel tables side by side (a benchmark, not a test):
 *   npx tsx bench/kernels/compare-levels.ts [--levels=avx2,avx512bf16] [--formats=Q4_0,Q8_0]
 *     [--n=1,32,128,512] [--size=896x4864] [--threads=1] [--rounds=3]
 *
 * For each format and batch size n, times every level's mat-mat on the same
 * weights and activations, rounds interleaved (level A, level B, A, B, ...)
 * so drift on a shared machine hits every level alike, and prints the
 * median GFLOP/s per level and the ratio to the first level. Levels this CPU
 * lacks are left out with a note.
 */
import { loadTestingBinding } from '../../test/helpers/testing-binding';
import { median, randomWeights } from './bench-data';

const cpu = loadTestingBinding();
const args = process.argv.slice(2);
const arg = (name: string, dflt: string): string => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;

const info = cpu.cpuInfo();
const fast = info.levels.filter((l) => l.supported && l.name !== 'generic' && l.name !== 'sse2').map((l) => l.name);
const wanted = arg('levels', fast.join(',')).split(',');
const levels = wanted.filter((name) => {
  const l = info.levels.find((x) => x.name === name);
  if (!l || !l.supported) console.log(`(level ${name}: not on this CPU, left out)`);
  return l !== undefined && l.supported;
});
const formats = arg('formats', 'Q4_0,Q8_0,Q4_K,Q6_K').split(',');
const batches = arg('n', '1,32,128,512').split(',').map(Number);
const [M, K] = arg('size', '896x4864').split('x').map(Number);
const threads = Number(arg('threads', '1'));
const rounds = Number(arg('rounds', '3'));


console.log(`selected ${info.selected}; levels ${levels.join(', ')}; ${M}x${K}, ${threads} thread(s), ${rounds} interleaved rounds, median GFLOP/s`);
const wf = randomWeights(M * K, M * 31 + K);
const header = ['format', 'n', ...levels, ...levels.slice(1).map((l) => `${l}/${levels[0]}`)];
console.log(header.join('\t'));
for (const type of formats) {
  const w = cpu.cpuQuantize(type, wf);
  for (const n of batches) {
    const x = randomWeights(K * n, 9 + n);
    const flops = 2 * M * K * n;
    const iters = Math.max(3, Math.min(200, Math.round(2e9 / flops)));
    const times: number[][] = levels.map(() => []);
    for (const level of levels) cpu.cpuBenchMatmul(level as never, type, w, M, K, x, n, 1, threads); // warm-up
    for (let r = 0; r < rounds; r++) {
      levels.forEach((level, li) => times[li].push(median(cpu.cpuBenchMatmul(level as never, type, w, M, K, x, n, iters, threads))));
    }
    const g = times.map((t) => flops / median(t) / 1e9);
    console.log([type, n, ...g.map((v) => v.toFixed(1)), ...g.slice(1).map((v) => `${(v / g[0]).toFixed(2)}x`)].join('\t'));
  }
}

/** The README's benchmark rows (bench/report/readme-table.ts): Hearth / raw llama.cpp per level, cases without raw left out. */
import { strict as assert } from 'assert';
import { readmeRows } from '../../bench/report/readme-table';
import type { CaseSummary, EngineFigures } from '../../bench/report/summary';

const figures = (pp: number, tg: number, rssMiB: number): EngineFigures =>
  ({ ppTokPerSec: pp, tgTokPerSec: tg, loadWarmMs: 1, loadColdMs: NaN, peakRssBytes: rssMiB * 1048576 });

const base: CaseSummary = {
  model: '0.5b', format: 'q4_0', fileBytes: 1, weightBytesPerToken: 1, runs: 3, ppBatchSizes: [32, 128],
  levels: [
    { level: 'avx512bf16', hearth: figures(800, 90, 563), ratio: figures(1, 1, 1), ratioRaw: null, fraction: { tg: 0.61, pp: 1 }, ppBatches: { 32: 530, 128: 844 }, ppBatchesRatioRaw: null },
    { level: 'avx2', hearth: figures(400, 80, 559), ratio: figures(1, 1, 1), ratioRaw: null, fraction: { tg: 0.544, pp: 1 }, ppBatches: {}, ppBatchesRatioRaw: null },
  ],
  llamaCpp: figures(1, 1, 1), llamaRaw: figures(500, 72, 604), llamaRawPpBatches: { 32: 460, 128: 530 },
  bound: { tgTokPerSec: 150, ppTokPerSec: 400 }, fraction: { llamaCpp: { tg: 0.3, pp: 1 }, llamaRaw: { tg: 0.48, pp: 1 } },
};

describe('bench README table', () => {
  it('gives one row per level with H / R and the ratio, and dashes for sizes a level did not time', () => {
    assert.deepEqual(readmeRows([base]), [
      '| 0.5b | q4_0 | avx512bf16 | 800.0 / 500.0 (1.60) | 530.0 / 460.0 (1.15) | 844.0 / 530.0 (1.59) | 90.0 / 72.0 (1.25) | 61% / 48% | 563 / 604 |',
      '| 0.5b | q4_0 | avx2 | 400.0 / 500.0 (0.80) | – | – | 80.0 / 72.0 (1.11) | 54% / 48% | 559 / 604 |',
    ]);
  });

  it('leaves out a case raw llama.cpp did not run', () => {
    assert.deepEqual(readmeRows([{ ...base, llamaRaw: null, llamaRawPpBatches: null }]), []);
  });
});

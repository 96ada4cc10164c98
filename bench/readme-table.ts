/**
 * Prints the README's benchmark table from saved runs:
 *   npx tsx bench/readme-table.ts bench/results/qwen25-avx512 bench/results/qwen25-avx512-float
 * (each a --results-dir of `npm run bench`), then each run's read bandwidth.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readReport } from './report/write-results';
import { README_TABLE_HEAD, readmeRows } from './report/readme-table';

const dirs = process.argv.slice(2);
if (dirs.length === 0) throw new Error('usage: bench/readme-table.ts RESULTS_DIR...');
const reports = dirs.map((d) => readReport(fs.readFileSync(path.join(d, 'latest.json'), 'utf8')));
console.log([...README_TABLE_HEAD, ...reports.flatMap((r) => readmeRows(r.cases))].join('\n'));
for (const [i, r] of reports.entries()) console.log(`\n${dirs[i]}: read ${(r.limits.readBytesPerSec / 1e9).toFixed(1)} GB/s, ${r.machine.cpu}, level ${r.machine.kernelLevel}`);

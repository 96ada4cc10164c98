/** The JSON document `npm run bench` writes (bench/results/latest.json, --json). */
import type { BenchArgs } from '../args';
import type { MachineInfo } from '../machine';
import type { Limits } from './stats';
import type { CaseSummary, EngineRun } from './summary';

export interface BenchReport {
  machine: MachineInfo;
  settings: Omit<BenchArgs, 'json' | 'resultsDir' | 'cacheDir'> & { threads: number; eviction: string };
  limits: Limits;
  cases: CaseSummary[];
  raw: { model: string; format: string; file: string; runs: EngineRun[] }[];
  notes: string[];
}

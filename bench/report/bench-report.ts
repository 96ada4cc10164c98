/** The JSON document `npm run bench` writes (bench/results/latest.json, --json). */
import type { BenchArgs } from '../args';
import type { MachineInfo } from '../machine';
import type { Limits } from './stats';
import type { CaseSummary, EngineRun } from './summary';

export interface BenchReport {
  machine: MachineInfo;
  /** levels: the resolved ones, in the order each run measured them. */
  settings: Omit<BenchArgs, 'json' | 'resultsDir' | 'cacheDir' | 'levels'> & { levels: string[]; threads: number; eviction: string };
  limits: Limits;
  cases: CaseSummary[];
  raw: { model: string; format: string; file: string; runs: EngineRun[] }[];
  notes: string[];
}

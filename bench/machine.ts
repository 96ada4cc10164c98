/** What machine a result came from, and its measured limits. */
import * as fs from 'fs';
import * as os from 'os';
import { loadTestingBinding } from '../test/helpers/testing-binding';
import { median, type Limits } from './report/stats';

export interface MachineInfo {
  /** The CPU model: /proc/cpuinfo's "model name" (os.cpus() elsewhere). */
  cpu: string;
  logicalCpus: number;
  physicalCores: number;
  /** The kernel level Hearth's dispatch selected in this process (cpuInfo().selected). */
  kernelLevel: string;
  /** HEARTH_CPU of this process when set: then kernelLevel is forced, not what dispatch would pick. */
  forcedLevel?: string;
  /** Every level this CPU runs, lowest first. */
  supportedLevels?: string[];
  features: string[];
  memoryBytes: number;
  os: string;
  node: string;
  date: string;
}

export function machineInfo(): MachineInfo {
  const b = loadTestingBinding();
  const ci = b.cpuInfo();
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1];
  } catch {
    // not Linux: os.cpus() it is
  }
  return {
    cpu,
    logicalCpus: os.cpus().length,
    physicalCores: ci.physicalCores,
    kernelLevel: ci.selected,
    forcedLevel: process.env.HEARTH_CPU || undefined,
    supportedLevels: ci.levels.filter((l) => l.supported).map((l) => l.name),
    features: ci.features,
    memoryBytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

/**
 * Read bandwidth (multi-stream read of a 1 GiB buffer, far beyond L3) and f32
 * FMA peak (register-only FMA chains), on `threads` threads, by the addon's
 * native probes; median of three.
 */
export function measureLimits(threads: number): Limits {
  const b = loadTestingBinding();
  const runs = [0, 1, 2].map(() => b.cpuBenchPeaks(null, threads, 20_000_000, 1 << 30, 3));
  return {
    readBytesPerSec: median(runs.map((p) => p.readBytes / p.readSeconds)),
    fmaFlopsPerSec: median(runs.map((p) => p.fmaFlops / p.fmaSeconds)),
  };
}

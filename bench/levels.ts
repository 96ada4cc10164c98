/**
 * Which of Hearth's CPU kernel levels `npm run bench` measures (--levels),
 * decided from the addon's cpuInfo(). Pure: the CPU is a parameter, so the
 * default can be tested for an AVX-512 and an AVX2-only machine alike.
 */
import type { CpuInfo } from '../test/helpers/native-cpu';

export type LevelCpu = Pick<CpuInfo, 'selected' | 'levels'>;

/**
 * The AVX-512 tables. On such a CPU the default measures AVX2 beside the
 * selected level: most users' CPUs stop at AVX2, and the gap between the two
 * paths is what a change to either has to be judged by.
 */
const AVX512_LEVELS: readonly string[] = ['avx512', 'avx512vnni', 'avx512bf16'];

/** The level dispatch selects, then avx2 when that is an AVX-512 one (and the CPU runs AVX2). */
export function defaultLevels(cpu: LevelCpu): string[] {
  const out = [cpu.selected as string];
  const avx2 = cpu.levels.some((l) => l.name === 'avx2' && l.supported);
  if (AVX512_LEVELS.includes(cpu.selected) && avx2) out.push('avx2');
  return out;
}

/**
 * The levels to run: the default when none were asked for, else the asked
 * ones in their order, each checked against this CPU so that a typo or a
 * level the CPU lacks stops the bench before anything is measured.
 */
export function resolveLevels(requested: readonly string[] | null, cpu: LevelCpu): string[] {
  if (requested === null) return defaultLevels(cpu);
  const supported = cpu.levels.filter((l) => l.supported).map((l) => l.name as string);
  for (const level of requested) {
    const entry = cpu.levels.find((l) => l.name === level);
    if (!entry) throw new Error(`--levels: unknown kernel level '${level}' (this CPU supports ${supported.join(', ')})`);
    if (!entry.supported) throw new Error(`--levels: this CPU cannot run kernel level '${level}' (it supports ${supported.join(', ')})`);
  }
  return [...requested];
}

/** How a Hearth row is named in the table, the summary lines and the chart: "hearth (avx2)". */
export function hearthLabel(level: string | undefined): string {
  return level ? `hearth (${level})` : 'hearth';
}

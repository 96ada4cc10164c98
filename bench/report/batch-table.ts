/**
 * The second Markdown table: prompt speed at the completion pipeline's batch
 * sizes (--pp-batches), kept apart because the main table is already wide.
 * Pure.
 */
import { hearthLabel } from '../levels';
import type { CaseSummary } from './summary';
import { fmt } from './table';

/**
 * One row per model/format and Hearth kernel level, one column per prompt
 * size: "H / R (H/R ×)" when raw llama.cpp ran, else H alone. node-llama-cpp
 * (L) does not time these sizes. '' when no case has any size.
 */
export function ppBatchTable(cases: readonly CaseSummary[]): string {
  const sizes = [...new Set(cases.flatMap((c) => c.ppBatchSizes))].sort((a, b) => a - b);
  if (sizes.length === 0) return '';
  const withRaw = cases.some((c) => c.llamaRawPpBatches);
  const unit = withRaw ? 'tok/s H / R (H/R ×)' : 'tok/s H';
  const head = [
    `| model | format | engine | ${sizes.map((n) => `pp${n} ${unit}`).join(' | ')} |`,
    `|---|---|---|${sizes.map(() => '---|').join('')}`,
  ];
  const rows = cases.flatMap((c) =>
    c.levels.map((lv) => {
      const cells = sizes.map((n) => {
        const k = String(n);
        const h = fmt(lv.ppBatches[k] ?? NaN, 1);
        if (!withRaw) return h;
        const r = c.llamaRawPpBatches?.[k] ?? NaN;
        return `${h} / ${fmt(r, 1)} (${fmt(lv.ppBatchesRatioRaw?.[k] ?? NaN, 2)})`;
      });
      return `| ${[c.model, c.format, hearthLabel(lv.level), ...cells].join(' | ')} |`;
    }),
  );
  return [...head, ...rows].join('\n') + '\n';
}

/**
 * A hand-written SVG bar chart: for each model/format, Hearth at each kernel
 * level and llama.cpp (node-llama-cpp, and raw libllama when it ran) side by
 * side, one panel per speed metric (pp512, tg128), bars scaled to the
 * panel's largest value. No dependencies. Pure.
 */
import type { CaseSummary, EngineFigures } from './summary';

/** One bar per case: its label, colour and figures. */
interface Series {
  label: string;
  color: string;
  figures: (c: CaseSummary) => EngineFigures | null | undefined;
}
/** Hearth's levels in shades of its orange, the first (the selected level by default) the darkest. */
const HEARTH_COLORS = ['#d9480f', '#f76707', '#ffa94d', '#ffd8a8'];
const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

export function escapeXml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ESC[c]);
}

function num(x: number): string {
  return Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '–';
}

export function resultsChart(cases: readonly CaseSummary[], title: string): string {
  const levels = [...new Set(cases.flatMap((c) => c.levels.map((l) => l.level)))];
  const engines: Series[] = [
    ...levels.map((level, i) => ({
      label: level ? `Hearth (${level})` : 'Hearth',
      color: HEARTH_COLORS[i % HEARTH_COLORS.length],
      figures: (c: CaseSummary) => c.levels.find((l) => l.level === level)?.hearth,
    })),
    { label: 'llama.cpp (node-llama-cpp)', color: '#1c7ed6', figures: (c) => c.llamaCpp },
  ];
  if (cases.some((c) => c.llamaRaw)) engines.push({ label: 'llama.cpp (raw libllama)', color: '#5c940d', figures: (c) => c.llamaRaw });
  const panels: { label: string; get: (c: CaseSummary, e: Series) => number }[] = [
    { label: 'pp512 (tokens/s)', get: (c, e) => e.figures(c)?.ppTokPerSec ?? NaN },
    { label: 'tg128 (tokens/s)', get: (c, e) => e.figures(c)?.tgTokPerSec ?? NaN },
  ];
  const groupW = 30 * engines.length + 30;
  const barW = 30;
  const panelH = 200;
  const left = 50;
  const top = 50;
  const gap = 70;
  // The legend runs left to right, each entry as wide as its label (about 6 px a character at 11 px).
  const legendX: number[] = [];
  let legendEnd = left;
  for (const e of engines) {
    legendX.push(legendEnd);
    legendEnd += 14 + 6 * e.label.length + 16;
  }
  // Wide enough for the title and legend with one case.
  const width = Math.max(480, legendEnd + 10, left + Math.max(1, cases.length) * groupW + 20);
  const height = top + panels.length * (panelH + gap) + 10;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  out.push(`<text x="${left}" y="18" font-size="14" font-weight="bold">${escapeXml(title)}</text>`);
  engines.forEach((e, i) => {
    out.push(`<rect x="${legendX[i]}" y="28" width="10" height="10" fill="${e.color}"/><text x="${legendX[i] + 14}" y="37">${escapeXml(e.label)}</text>`);
  });
  panels.forEach((p, pi) => {
    const y0 = top + pi * (panelH + gap) + 20;
    const base = y0 + panelH;
    const max = Math.max(1e-9, ...cases.flatMap((c) => engines.map((e) => p.get(c, e))).filter(Number.isFinite));
    out.push(`<text x="${left}" y="${y0 - 6}" font-weight="bold">${escapeXml(p.label)}</text>`);
    out.push(`<line x1="${left}" y1="${base}" x2="${width - 10}" y2="${base}" stroke="#333"/>`);
    cases.forEach((c, ci) => {
      const gx = left + ci * groupW + 10;
      engines.forEach((e, ei) => {
        const v = p.get(c, e);
        const h = Number.isFinite(v) ? (v / max) * (panelH - 14) : 0;
        const x = gx + ei * barW;
        out.push(`<rect x="${x}" y="${(base - h).toFixed(1)}" width="${barW - 4}" height="${h.toFixed(1)}" fill="${e.color}"><title>${escapeXml(`${c.model} ${c.format} ${e.label}: ${num(v)}`)}</title></rect>`);
        out.push(`<text x="${x + (barW - 4) / 2}" y="${(base - h - 3).toFixed(1)}" text-anchor="middle" font-size="9">${num(v)}</text>`);
      });
      const mid = gx + (engines.length * barW) / 2 - 2;
      out.push(`<text x="${mid}" y="${base + 14}" text-anchor="middle">${escapeXml(c.model)}</text>`);
      out.push(`<text x="${mid}" y="${base + 27}" text-anchor="middle">${escapeXml(c.format)}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

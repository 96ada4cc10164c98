/**
 * The latency results as the README shows them: a Markdown table (Hearth vs
 * llama.vscode + llama-server on the same trace) and an SVG bar chart, one
 * group per model and token count. Pure.
 */
import { escapeXml } from '../report/chart';
import type { LatencyFigures } from './figures';

/** What bench/results/latency-<kernel level>-<model>-<tokens>.json holds (the parts the report reads). */
export interface LatencyResult {
  machine: { cpu: string; kernelLevel: string };
  model: string;
  tokens: number;
  threads?: number;
  runs?: number;
  hearth: LatencyFigures;
  peer: LatencyFigures | null;
}

export const PEER_LABEL = 'llama.vscode + llama-server';

function ms(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x)) : '–';
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${Math.round(x * 100)}%` : '–';
}

function tok(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x)) : '–';
}

/** The results file of one case: one per CPU level, model and token count. */
export function latencyResultFile(r: Pick<LatencyResult, 'machine' | 'model' | 'tokens'>): string {
  return `latency-${r.machine.kernelLevel}-${r.model}-${r.tokens}.json`;
}

function row(r: LatencyResult, name: string, f: LatencyFigures): string {
  return [
    r.machine.kernelLevel,
    r.model,
    String(r.tokens),
    String(r.runs ?? 1),
    name,
    `${pct(f.pausesServedFraction)} (${f.pausesServed}/${f.pauses})`,
    `${pct(f.pausesAnsweredFraction)} (${f.pausesAnswered}/${f.pauses})`,
    `${ms(f.pauseLatencyMs.p50)} / ${ms(f.pauseLatencyMs.p95)}`,
    `${pct(f.newSiteServedFraction)} (${f.newSiteServed}/${f.newSitePauses})`,
    `${ms(f.newSiteLatencyMs.p50)} / ${ms(f.newSiteLatencyMs.p95)}`,
    `${tok(f.promptTokensPerRequest.p50)} / ${tok(f.promptTokensPerRequest.p95)}`,
    `${(f.wastedCpuMs / 1000).toFixed(1)} s (${pct(f.wastedCpuShare)})`,
  ].join(' | ');
}

export function latencyTable(results: readonly LatencyResult[]): string {
  const head = ['CPU level', 'model', 'tokens', 'runs (median)', 'engine', 'pauses served', 'pauses answered (shown or empty)', 'pause → ghost text p50 / p95 ms', 'new site served', 'new site p50 / p95 ms', 'prompt tokens evaluated / request p50 / p95', 'wasted CPU (share)'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of results) {
    lines.push(`| ${row(r, 'Hearth', r.hearth)} |`);
    if (r.peer) lines.push(`| ${row(r, PEER_LABEL, r.peer)} |`);
  }
  const machines = [...new Map(results.map((r) => [`${r.machine.cpu} ${r.machine.kernelLevel}`, r])).values()];
  const both = results.some((r) => r.peer) ? 'Same trace, model file, machine and threads for both engines. ' : '';
  if (machines.length > 0) {
    const where = machines.map((r) => `${r.machine.cpu} with Hearth's ${r.machine.kernelLevel} kernels${r.threads ? `, ${r.threads} threads` : ''}`).join('; ');
    lines.push('', `${both}CPU level: ${where}. A pause is a gap of at least 400 ms before the next key or cursor jump; an unserved pause counts at its full gap (a lower bound). Answered: the engine's answer came within the pause, shown or empty.`);
  }
  return lines.join('\n') + '\n';
}

type Side = 'hearth' | 'peer';
const COLORS: Record<Side, string> = { hearth: '#d9480f', peer: '#1c7ed6' };
const LABELS: Record<Side, string> = { hearth: 'Hearth', peer: PEER_LABEL };

interface Panel {
  label: string;
  get: (f: LatencyFigures) => number;
  fmt: (x: number) => string;
}

const PANELS: readonly Panel[] = [
  { label: 'pauses served (%, higher is better)', get: (f) => f.pausesServedFraction * 100, fmt: (x) => x.toFixed(0) },
  { label: 'pause → ghost text p50 (ms, lower is better)', get: (f) => f.pauseLatencyMs.p50, fmt: (x) => x.toFixed(0) },
  { label: 'pause → ghost text p95 (ms)', get: (f) => f.pauseLatencyMs.p95, fmt: (x) => x.toFixed(0) },
  { label: 'new site p50 (ms)', get: (f) => f.newSiteLatencyMs.p50, fmt: (x) => x.toFixed(0) },
  { label: 'wasted CPU (% of the run)', get: (f) => f.wastedCpuShare * 100, fmt: (x) => x.toFixed(0) },
];

export function latencyChart(results: readonly LatencyResult[], title: string): string {
  const sides: Side[] = results.some((r) => r.peer) ? ['hearth', 'peer'] : ['hearth'];
  const barW = 30;
  const groupW = barW * sides.length + 40;
  const panelW = Math.max(260, 20 + results.length * groupW);
  const panelH = 170;
  const left = 20;
  const top = 60;
  const cols = Math.min(PANELS.length, 3);
  const width = left + cols * (panelW + 30);
  const rows = Math.ceil(PANELS.length / cols);
  const height = top + rows * (panelH + 70) + 10;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="#fff"/>`);
  out.push(`<text x="${left}" y="18" font-size="14" font-weight="bold">${escapeXml(title)}</text>`);
  sides.forEach((s, i) => {
    const x = left + i * 90;
    out.push(`<rect x="${x}" y="30" width="10" height="10" fill="${COLORS[s]}"/><text x="${x + 14}" y="39">${escapeXml(LABELS[s])}</text>`);
  });
  PANELS.forEach((p, pi) => {
    const x0 = left + (pi % cols) * (panelW + 30);
    const y0 = top + Math.floor(pi / cols) * (panelH + 70) + 20;
    const base = y0 + panelH;
    const values = results.flatMap((r) => sides.map((s) => (r[s] ? p.get(r[s] as LatencyFigures) : NaN)));
    const max = Math.max(1e-9, ...values.filter(Number.isFinite));
    out.push(`<text x="${x0}" y="${y0 - 6}" font-weight="bold">${escapeXml(p.label)}</text>`);
    out.push(`<line x1="${x0}" y1="${base}" x2="${x0 + panelW}" y2="${base}" stroke="#333"/>`);
    results.forEach((r, ri) => {
      const gx = x0 + 10 + ri * groupW;
      sides.forEach((s, si) => {
        const f = r[s];
        const v = f ? p.get(f) : NaN;
        const h = Number.isFinite(v) ? (v / max) * (panelH - 16) : 0;
        const x = gx + si * barW;
        out.push(`<rect x="${x}" y="${(base - h).toFixed(1)}" width="${barW - 4}" height="${h.toFixed(1)}" fill="${COLORS[s]}"><title>${escapeXml(`${r.model} ${r.tokens} tokens ${LABELS[s]}: ${Number.isFinite(v) ? p.fmt(v) : '–'}`)}</title></rect>`);
        out.push(`<text x="${x + (barW - 4) / 2}" y="${(base - h - 3).toFixed(1)}" text-anchor="middle" font-size="9">${Number.isFinite(v) ? p.fmt(v) : '–'}</text>`);
      });
      const mid = gx + (sides.length * barW) / 2 - 2;
      out.push(`<text x="${mid}" y="${base + 14}" text-anchor="middle">${escapeXml(r.model)}</text>`);
      out.push(`<text x="${mid}" y="${base + 27}" text-anchor="middle">${escapeXml(`${r.tokens} tok, ${r.machine.kernelLevel}`)}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

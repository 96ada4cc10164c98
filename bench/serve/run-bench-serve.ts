/**
 * `npm run bench:serve`: throughput and latency of `hearth serve --parallel P`
 * against `llama-server -np P` on the same model file, threads and context per
 * sequence, for each P. P clients at once, each sending --requests streamed
 * /v1/completions (greedy, --tokens at most, a different code prompt each);
 * aggregate generated tokens/s (the text's tokens, counted by the server's own
 * /tokenize, so both are counted alike) and time to the first piece, p50/p95.
 * Both servers stay up for one P; runs alternate hearth / llama --rounds
 * times; medians of the rounds. A benchmark, not a test.
 *
 *   npm run bench:serve -- [--model F] [--parallel 1,4,8] [--rounds 3] [--requests 2] [--tokens 64] [--threads 2] [--out DIR]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LlamaServer } from '../peer/llama-server';
import { HearthServer } from './hearth-server';

/** The servers' own output: kept out of the results, which are committed. */
const LOG_DIR = path.resolve(__dirname, '..', '..', '.cache', 'bench', 'serve-logs');

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

const PROMPTS = [
  'def quicksort(items):\n    """Sort a list."""\n',
  'function debounce(fn, ms) {\n',
  'fn parse_config(path: &Path) -> Result<Config, Error> {\n',
  'class LRUCache:\n    def __init__(self, capacity):\n',
  'export async function fetchJson(url: string): Promise<unknown> {\n',
  'int binary_search(const int *a, int n, int key) {\n',
  'SELECT customers.name, SUM(orders.total)\nFROM customers\n',
  'func handler(w http.ResponseWriter, r *http.Request) {\n',
];

interface RunFigures {
  tokens: number;
  ms: number;
  tokPerSec: number;
  ttftP50: number;
  ttftP95: number;
  errors: number;
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function median(xs: number[]): number {
  return quantile(xs, 0.5);
}

/** One streamed completion: its text and the ms to its first non-empty piece. */
async function completion(base: string, prompt: string, maxTokens: number): Promise<{ text: string; ttft: number }> {
  const t0 = performance.now();
  const res = await fetch(`${base}/v1/completions`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ prompt, max_tokens: maxTokens, temperature: 0, stream: true }),
  });
  if (!res.ok || !res.body) throw new Error(`${base}: ${res.status} ${await res.text()}`);
  let ttft = NaN;
  let text = '';
  let buf = '';
  const decoder = new TextDecoder();
  for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(bytes, { stream: true });
    let cut: number;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const event = buf.slice(0, cut).trim();
      buf = buf.slice(cut + 2);
      if (!event.startsWith('data: ') || event === 'data: [DONE]') continue;
      const piece = (JSON.parse(event.slice(6)) as { choices?: { text?: string }[] }).choices?.[0]?.text ?? '';
      if (piece !== '' && Number.isNaN(ttft)) ttft = performance.now() - t0;
      text += piece;
    }
  }
  return { text, ttft: Number.isNaN(ttft) ? performance.now() - t0 : ttft };
}

async function countTokens(base: string, text: string): Promise<number> {
  if (text === '') return 0;
  const res = await fetch(`${base}/tokenize`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ content: text }) });
  return ((await res.json()) as { tokens: unknown[] }).tokens.length;
}

async function run(base: string, parallel: number, requests: number, maxTokens: number): Promise<RunFigures> {
  const ttfts: number[] = [];
  const texts: string[] = [];
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: parallel }, async (_, c) => {
    for (let r = 0; r < requests; r++) {
      try {
        const { text, ttft } = await completion(base, PROMPTS[(c + r * parallel) % PROMPTS.length], maxTokens);
        ttfts.push(ttft);
        texts.push(text);
      } catch (err) {
        errors++;
        console.error(String(err));
      }
    }
  }));
  const ms = performance.now() - t0;
  let tokens = 0;
  for (const t of texts) tokens += await countTokens(base, t);
  return { tokens, ms, tokPerSec: (tokens * 1000) / ms, ttftP50: quantile(ttfts, 0.5), ttftP95: quantile(ttfts, 0.95), errors };
}

async function main(): Promise<void> {
  const model = path.resolve(arg('model', '.cache/bench/models/qwen2.5-coder-0.5b-shape-q8_0-893fdd4a73.gguf'));
  const levels = arg('parallel', '1,4,8').split(',').map(Number);
  const rounds = Number(arg('rounds', '3'));
  const requests = Number(arg('requests', '2'));
  const maxTokens = Number(arg('tokens', '64'));
  const threads = Number(arg('threads', String(Math.min(2, os.cpus().length))));
  const ctx = 1024; // per sequence
  const out = path.resolve(arg('out', 'bench/results/serve'));
  fs.mkdirSync(out, { recursive: true });
  fs.mkdirSync(LOG_DIR, { recursive: true });
  const rows: string[] = [];
  const all: unknown[] = [];
  for (const p of levels) {
    const hearth = new HearthServer({ model, contextTokens: ctx, threads, parallel: p, logFile: path.join(LOG_DIR, `hearth-p${p}.log`) });
    const llama = new LlamaServer({ model, contextTokens: ctx, threads, slots: p, logFile: path.join(LOG_DIR, `llama-p${p}.log`) });
    await hearth.start();
    await llama.start();
    try {
      // One untimed request each: first-touch of the weights, caches.
      await completion(hearth.url, PROMPTS[0], 8);
      await completion(llama.url, PROMPTS[0], 8);
      const h: RunFigures[] = [];
      const l: RunFigures[] = [];
      for (let r = 0; r < rounds; r++) {
        h.push(await run(hearth.url, p, requests, maxTokens));
        l.push(await run(llama.url, p, requests, maxTokens));
        console.log(`P=${p} round ${r + 1}: hearth ${h[r].tokPerSec.toFixed(1)} tok/s ttft p50 ${h[r].ttftP50.toFixed(0)} ms; llama-server ${l[r].tokPerSec.toFixed(1)} tok/s ttft p50 ${l[r].ttftP50.toFixed(0)} ms`);
      }
      const m = (xs: RunFigures[], k: keyof RunFigures): number => median(xs.map((x) => x[k]));
      const ratio = m(h, 'tokPerSec') / m(l, 'tokPerSec');
      rows.push(`| ${p} | ${m(h, 'tokPerSec').toFixed(1)} / ${m(l, 'tokPerSec').toFixed(1)} (${ratio.toFixed(2)}x) | ${m(h, 'ttftP50').toFixed(0)} / ${m(l, 'ttftP50').toFixed(0)} | ${m(h, 'ttftP95').toFixed(0)} / ${m(l, 'ttftP95').toFixed(0)} | ${h.reduce((s, x) => s + x.errors, 0)} / ${l.reduce((s, x) => s + x.errors, 0)} |`);
      all.push({ parallel: p, hearth: h, llama: l });
    } finally {
      await hearth.stop();
      await llama.stop();
    }
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const md = [
    `# hearth serve vs llama-server, ${new Date().toISOString().slice(0, 10)}`,
    '',
    `${cpu}, ${os.cpus().length} cores; model \`${path.basename(model)}\`; ${threads} threads; ctx ${ctx} per sequence; each of P clients sends ${requests} streamed /v1/completions, greedy, at most ${maxTokens} tokens; medians of ${rounds} alternated rounds.`,
    '',
    '| P | generated tok/s hearth / llama-server | first piece p50 ms | first piece p95 ms | errors |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  fs.writeFileSync(path.join(out, 'serve.md'), md + '\n');
  fs.writeFileSync(path.join(out, 'serve.json'), JSON.stringify({ cpu, model: path.basename(model), threads, ctx, requests, maxTokens, rounds, runs: all }, null, 2) + '\n');
  console.log(md);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

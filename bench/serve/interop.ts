/**
 * Interoperability of `hearth serve` with llama-server, offline: the same
 * requests (llama.vscode's /infill shapes, its warm-up, a streamed /infill,
 * /tokenize, /detokenize, OpenAI chat and text completions, /v1/models,
 * /health) sent to both servers over the same GGUF, and their answers
 * compared: the status, the response fields each has that the other lacks,
 * and, where both compute the same thing from the same file (token ids, text,
 * greedy continuations), the values.
 *
 *   npx tsx bench/serve/interop.ts [--model F] [--out DIR]
 *
 * Needs llama-server (bash bench/peer/build-llama-server.sh). Writes
 * interop.md and interop.json under --out (default bench/results/serve-interop).
 */
import * as fs from 'fs';
import * as path from 'path';
import { LlamaServer } from '../peer/llama-server';
import { HearthServer } from './hearth-server';

interface Probe {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** What to compare beyond status and fields: a value both must agree on. */
  value?: (body: unknown) => unknown;
  stream?: boolean;
}

const EXTRA = [{ text: 'def helper(x):\n    return x * 2\n', time: 1700000000, filename: 'helper.py' }];
// llama.vscode's own fields (those the server does not use included), as it builds them.
const VSCODE_COMMON = { id_slot: 0, n_cmpl: 1, n_indent: 4, top_k: 40, top_p: 0.99, samplers: ['top_k', 'top_p', 'infill'], cache_prompt: true, input_extra: EXTRA };

const PROBES: Probe[] = [
  { name: 'health', method: 'GET', path: '/health' },
  { name: 'models', method: 'GET', path: '/v1/models', value: (b) => (b as { object?: unknown }).object },
  {
    name: 'infill (llama.vscode completion)', method: 'POST', path: '/infill',
    body: { ...VSCODE_COMMON, stream: false, input_prefix: 'def total(xs):\n', input_suffix: '\nprint(total([1, 2]))\n', prompt: '    return ', n_predict: 16, t_max_prompt_ms: 5000, t_max_predict_ms: 5000, temperature: 0 },
    value: (b) => typeof (b as { content?: unknown }).content,
  },
  {
    name: 'infill (llama.vscode warm-up, n_predict 0)', method: 'POST', path: '/infill',
    body: { ...VSCODE_COMMON, stream: false, input_prefix: 'def total(xs):\n', input_suffix: '\n', prompt: '', n_predict: 0, t_max_prompt_ms: 5000, t_max_predict_ms: 1 },
    value: (b) => (b as { content?: unknown }).content,
  },
  {
    name: 'infill streamed', method: 'POST', path: '/infill', stream: true,
    body: { input_prefix: 'def total(xs):\n', input_suffix: '\n', prompt: '    return ', n_predict: 8, stream: true },
  },
  { name: 'tokenize', method: 'POST', path: '/tokenize', body: { content: 'def total(xs): return sum(xs) # héllo', add_special: false }, value: (b) => (b as { tokens?: unknown }).tokens },
  { name: 'tokenize with pieces', method: 'POST', path: '/tokenize', body: { content: 'Once upon a time', with_pieces: true }, value: (b) => (b as { tokens?: unknown }).tokens },
  { name: 'tokenize special text', method: 'POST', path: '/tokenize', body: { content: '<|im_start|>user', parse_special: true }, value: (b) => (b as { tokens?: unknown }).tokens },
  { name: 'detokenize', method: 'POST', path: '/detokenize', body: { tokens: [750, 2790, 7, 18561, 1648] }, value: (b) => (b as { content?: unknown }).content },
  {
    name: 'v1/completions greedy', method: 'POST', path: '/v1/completions', body: { prompt: 'def fibonacci(n):', max_tokens: 12, temperature: 0 },
    value: (b) => (b as { choices?: { text?: unknown }[] }).choices?.[0]?.text,
  },
  {
    name: 'v1/chat/completions', method: 'POST', path: '/v1/chat/completions', body: { messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 8, temperature: 0 },
    value: (b) => (b as { object?: unknown }).object,
  },
  {
    name: 'v1/chat/completions streamed', method: 'POST', path: '/v1/chat/completions', stream: true,
    body: { messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 8, temperature: 0, stream: true },
  },
];

interface Answer {
  status: number;
  fields: string[];
  value?: unknown;
  /** Streams: the number of events, the last event's fields, and whether it ended with [DONE]. */
  events?: number;
  done?: boolean;
}

async function ask(base: string, p: Probe): Promise<Answer> {
  const res = await fetch(base + p.path, { method: p.method, headers: { 'Content-Type': 'application/json' }, body: p.body === undefined ? undefined : JSON.stringify(p.body) });
  const text = await res.text();
  if (p.stream) {
    const data = text.split('\n\n').map((e) => e.trim()).filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));
    const done = data[data.length - 1] === '[DONE]';
    const json = data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Record<string, unknown>);
    return { status: res.status, fields: Object.keys(json[json.length - 1] ?? {}).sort(), events: json.length, done };
  }
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  const fields = body && typeof body === 'object' ? Object.keys(body as object).sort() : [];
  return { status: res.status, fields, value: p.value && res.ok ? p.value(body) : undefined };
}

/** The servers' own output: kept out of the results, which are committed. */
const LOG_DIR = path.resolve(__dirname, '..', '..', '.cache', 'bench', 'serve-logs');

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

async function main(): Promise<void> {
  const model = path.resolve(arg('model', '.cache/bench/models/qwen2.5-coder-0.5b-shape-q8_0-893fdd4a73.gguf'));
  const out = path.resolve(arg('out', 'bench/results/serve-interop'));
  fs.mkdirSync(out, { recursive: true });
  fs.mkdirSync(LOG_DIR, { recursive: true });
  const threads = 2;
  const ctx = 2048;
  const results: { probe: string; hearth: Answer; llama: Answer }[] = [];
  const hearth = new HearthServer({ model, contextTokens: ctx, threads, parallel: 1, logFile: path.join(LOG_DIR, 'hearth-serve.log') });
  const llama = new LlamaServer({ model, contextTokens: ctx, threads, logFile: path.join(LOG_DIR, 'llama-server.log') });
  await hearth.start();
  const hearthAnswers: Answer[] = [];
  try {
    for (const p of PROBES) hearthAnswers.push(await ask(hearth.url, p));
  } finally {
    await hearth.stop();
  }
  await llama.start();
  try {
    for (const [i, p] of PROBES.entries()) results.push({ probe: p.name, hearth: hearthAnswers[i], llama: await ask(llama.url, p) });
  } finally {
    await llama.stop();
  }
  const lines = [
    `# hearth serve vs llama-server: the same requests, ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Model \`${path.basename(model)}\`, ctx ${ctx}, ${threads} threads; llama-server from node-llama-cpp's bundled llama.cpp source (bench/peer/build-llama-server.sh).`,
    '',
    '| request | status hearth / llama | fields only llama-server sends | fields only hearth sends | value |',
    '|---|---|---|---|---|',
  ];
  for (const r of results) {
    const onlyLlama = r.llama.fields.filter((f) => !r.hearth.fields.includes(f));
    const onlyHearth = r.hearth.fields.filter((f) => !r.llama.fields.includes(f));
    let value = '';
    if (r.hearth.events !== undefined) value = `events ${r.hearth.events} / ${r.llama.events}; [DONE] ${r.hearth.done} / ${r.llama.done}`;
    else if (r.hearth.value !== undefined || r.llama.value !== undefined) {
      const shown = (v: unknown): string => String(JSON.stringify(v)).slice(0, 80);
      const same = JSON.stringify(r.hearth.value) === JSON.stringify(r.llama.value);
      value = same ? `same: \`${shown(r.hearth.value)}\`` : `differs: hearth \`${shown(r.hearth.value)}\`, llama \`${shown(r.llama.value)}\``;
    }
    lines.push(`| ${r.probe} | ${r.hearth.status} / ${r.llama.status} | ${onlyLlama.join(', ') || '-'} | ${onlyHearth.join(', ') || '-'} | ${value} |`);
  }
  fs.writeFileSync(path.join(out, 'interop.md'), lines.join('\n') + '\n');
  fs.writeFileSync(path.join(out, 'interop.json'), JSON.stringify({ model: path.basename(model), results }, null, 2) + '\n');
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

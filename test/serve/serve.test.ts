/**
 * Contract tests of `hearth serve` (extension/serve/) with Node's fetch: each
 * endpoint, SSE streaming, the coded errors (400, 401, 404, 413, 503),
 * the API key, the loopback default, CORS off by default, and a client that
 * disconnects aborting its generation. Most run the deterministic fake engine
 * through the same child-process boundary the CLI uses (EngineProcess with
 * HEARTH_ENGINE=fake); the gate and abort cases use it in-process, where the
 * test can watch the request's signal. One case runs the real engine on the
 * tiny model.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startServer, type RunningServer, type ServeOptions } from '../../extension/serve/server';
import { EngineProcess } from '../../extension/host/parent/engine-process';
import { FakeEngine, fakeChatReplyFor, fakeCompletionFor } from '../../extension/host/fake-engine';
import type { ChatMessage, ChatOptions, LoadOptions, ModelInfo, TextStream } from '../../extension/host/engine-port';
import { isLoopbackHost, tokenMatches } from '../../extension/serve/auth';
import { loadModel } from '../../extension/engine/engine';

const ROOT = path.resolve(__dirname, '../..');
const MODEL = path.join(ROOT, 'test', 'fixtures', 'tiny-llama', 'tinyllamas-stories-260k-f32.gguf');
const ENGINE_SCRIPT = path.join(ROOT, 'extension', 'host', 'child', 'engine-host-main.ts');
const EXEC_ARGV = ['-r', require.resolve('tsx/cjs')];

function childEngine(env: NodeJS.ProcessEnv): EngineProcess {
  return new EngineProcess({ scriptPath: ENGINE_SCRIPT, execArgv: EXEC_ARGV, env });
}

async function serve(opts: Partial<ServeOptions> & { engine: ServeOptions['engine'] }): Promise<{ server: RunningServer; url: string; lines: string[] }> {
  const lines: string[] = [];
  const server = await startServer({ modelPath: MODEL, port: 0, log: (l) => lines.push(l), ...opts });
  await server.ready;
  return { server, url: `http://127.0.0.1:${server.port}`, lines };
}

function post(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body), signal });
}

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return body.error;
}

/** The `data:` payloads of an SSE body, in order. */
function sseData(text: string): string[] {
  return text.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));
}

const USER: ChatMessage[] = [{ role: 'user', content: 'What is the answer?' }];

describe('hearth serve: endpoints through the engine process (fake engine)', function () {
  this.timeout(60000);
  let s: Awaited<ReturnType<typeof serve>>;

  before(async () => {
    s = await serve({ engine: childEngine({ HEARTH_ENGINE: 'fake' }) });
  });
  after(async () => {
    await s?.server.close();
  });

  it('binds 127.0.0.1 by default and answers /health', async () => {
    assert.equal(s.server.host, '127.0.0.1');
    const res = await fetch(`${s.url}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('lists the loaded model at /v1/models', async () => {
    const res = await fetch(`${s.url}/v1/models`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { object: string; data: { id: string; object: string }[] };
    assert.equal(body.object, 'list');
    assert.deepEqual(body.data.map((m) => [m.id, m.object]), [['tinyllamas-stories-260k-f32', 'model']]);
  });

  it('answers a chat completion in the OpenAI shape, with usage', async () => {
    const res = await post(`${s.url}/v1/chat/completions`, { model: 'x', messages: USER, max_tokens: 64 });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { object: string; choices: { message: { role: string; content: string }; finish_reason: string }[]; usage: Record<string, number> };
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.choices[0].message.role, 'assistant');
    assert.equal(body.choices[0].message.content, fakeChatReplyFor(USER));
    assert.equal(body.choices[0].finish_reason, 'stop');
    assert.ok(body.usage.completion_tokens > 0 && body.usage.prompt_tokens > 0);
    assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + body.usage.completion_tokens);
    await new Promise((r) => setTimeout(r, 20)); // the log line is written on the response's close
    assert.match(s.lines.join(''), /POST \/v1\/chat\/completions 200 prompt=\d+ gen=\d+ \d+ms/);
    assert.doesNotMatch(s.lines.join(''), /What is the answer/, 'no prompt text in the log without --log-prompts');
  });

  it('streams a chat completion as SSE chunks ending with [DONE]', async () => {
    const res = await post(`${s.url}/v1/chat/completions`, { messages: USER, stream: true });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = sseData(await res.text());
    assert.equal(events[events.length - 1], '[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as { object: string; choices: { delta: { role?: string; content?: string }; finish_reason: string | null }[] });
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    assert.equal(chunks.map((c) => c.choices[0].delta.content ?? '').join(''), fakeChatReplyFor(USER));
    assert.ok(chunks.length > 3, 'more than one content chunk');
    assert.equal(chunks[chunks.length - 1].choices[0].finish_reason, 'stop');
  });

  it('answers /infill with llama-server request fields and response shape', async () => {
    const res = await post(`${s.url}/infill`, {
      input_prefix: 'function f() {\n',
      prompt: '  total = ',
      input_suffix: '\n}\n',
      input_extra: [{ filename: 'util.js', text: 'export const x = 1;\n' }],
      n_predict: 32,
      cache_prompt: true,
      t_max_prompt_ms: 500,
      t_max_predict_ms: 1000,
      samplers: ['top_k'], // llama-server fields the engine does not use are accepted
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown> & { timings: Record<string, unknown> };
    // `prompt` (the current line up to the cursor) ends the prefix.
    assert.equal(body.content, fakeCompletionFor({ prefix: 'function f() {\n  total = ' }));
    assert.equal(body.stop, true);
    assert.equal(typeof body.tokens_predicted, 'number');
    assert.equal(typeof body.tokens_evaluated, 'number');
    assert.ok(['eos', 'limit', 'word'].includes(body.stop_type as string));
    assert.equal(typeof body.timings.predicted_ms, 'number');
  });

  it("accepts llama.vscode's /infill shapes: a completion and its warm-up (n_predict 0)", async () => {
    // Field set as llama.vscode builds it (its own fields the engine does not use included).
    const common = {
      id_slot: 0, n_cmpl: 1, n_indent: 4, top_k: 40, top_p: 0.99, stream: false, samplers: ['top_k', 'top_p', 'infill'], cache_prompt: true,
      input_extra: [{ text: 'def helper():\n    pass\n', time: 1700000000, filename: 'helper.py' }],
    };
    const done = await post(`${s.url}/infill`, { ...common, input_prefix: 'def f():\n', input_suffix: '\n', prompt: '    y = ', n_predict: 128, t_max_prompt_ms: 500, t_max_predict_ms: 1000 });
    assert.equal(done.status, 200);
    const answer = (await done.json()) as { content: string; tokens_cached: unknown; generation_settings: { n_ctx: unknown }; timings: Record<string, unknown> };
    assert.equal(answer.content, fakeCompletionFor({ prefix: 'def f():\n    y = ' }));
    // What llama.vscode's status bar reads: without generation_settings its info line throws.
    assert.equal(typeof answer.generation_settings.n_ctx, 'number');
    assert.equal(typeof answer.tokens_cached, 'number');
    for (const k of ['prompt_n', 'prompt_ms', 'prompt_per_second', 'predicted_n', 'predicted_ms', 'predicted_per_second']) assert.ok(k in answer.timings, k);
    const warm = await post(`${s.url}/infill`, { ...common, input_prefix: 'def f():\n', input_suffix: '\n', prompt: '', n_predict: 0, t_max_prompt_ms: 500, t_max_predict_ms: 1 });
    assert.equal(warm.status, 200);
    assert.equal(typeof ((await warm.json()) as { content: unknown }).content, 'string');
  });

  it('streams /infill as llama-server does: {content, stop: false} events, then one stop: true event with the counts, no [DONE]', async () => {
    const res = await post(`${s.url}/infill`, { input_prefix: 'def f():\n', prompt: '    y = ', input_suffix: '\n', n_predict: 32, stream: true });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = sseData(await res.text()).map((e) => JSON.parse(e) as { content: string; stop: boolean; stop_type?: string; tokens_predicted?: number; timings?: unknown });
    const last = events[events.length - 1];
    assert.equal(last.stop, true);
    assert.equal(last.content, '');
    assert.ok(['eos', 'limit', 'word'].includes(last.stop_type as string));
    assert.equal(typeof last.tokens_predicted, 'number');
    assert.equal(typeof last.timings, 'object');
    const pieces = events.slice(0, -1);
    assert.ok(pieces.length > 1 && pieces.every((e) => e.stop === false));
    assert.equal(pieces.map((e) => e.content).join(''), fakeCompletionFor({ prefix: 'def f():\n    y = ' }));
  });

  it('answers /v1/completions in the OpenAI text_completion shape, streamed or not, and fills in before a suffix', async () => {
    let res = await post(`${s.url}/v1/completions`, { model: 'x', prompt: 'Once upon a time', max_tokens: 64 });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { object: string; id: string; choices: { text: string; index: number; finish_reason: string }[]; usage: Record<string, number> };
    assert.equal(body.object, 'text_completion');
    assert.match(body.id, /^cmpl-/);
    assert.equal(body.choices[0].text, fakeCompletionFor({ prefix: 'Once upon a time' }));
    assert.equal(body.choices[0].finish_reason, 'stop');
    assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + body.usage.completion_tokens);

    res = await post(`${s.url}/v1/completions`, { prompt: ['Once upon a time'], stream: true });
    const events = sseData(await res.text());
    assert.equal(events[events.length - 1], '[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as { object: string; choices: { text: string; finish_reason: string | null }[]; usage?: unknown });
    assert.ok(chunks.every((c) => c.object === 'text_completion'));
    assert.equal(chunks.map((c) => c.choices[0].text).join(''), fakeCompletionFor({ prefix: 'Once upon a time' }));
    assert.equal(chunks[chunks.length - 1].choices[0].finish_reason, 'stop');
    assert.equal(typeof chunks[chunks.length - 1].usage, 'object');

    // OpenAI's suffix: a fill-in-the-middle request (the fake answers from the prefix).
    res = await post(`${s.url}/v1/completions`, { prompt: 'def f():\n    y = ', suffix: '\n    return y\n' });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { choices: { text: string }[] }).choices[0].text, fakeCompletionFor({ prefix: 'def f():\n    y = ' }));
  });

  it('refuses /v1/completions fields it cannot honour, naming each', async () => {
    for (const [body, pattern] of [
      [{ prompt: [1, 2, 3] }, /'prompt' must be a string \(token-id prompts/],
      [{ prompt: ['a', 'b'] }, /several prompts/],
      [{ prompt: '' }, /'prompt' is empty/],
      [{ prompt: 'x', n: 2 }, /'n' must be 1/],
      [{ prompt: 'x', echo: true }, /'echo' is not supported/],
      [{ prompt: 'x', logprobs: 3 }, /'logprobs' is not supported/],
      [{ prompt: 'x', max_tokens: 0 }, /'max_tokens' must be an integer from 1/],
      [{ prompt: 'x', parse_special: 'yes' }, /'parse_special' must be true or false/],
      [{ prompt: 'x', suffix: 3 }, /'suffix' must be a string/],
    ] as const) {
      const res = await post(`${s.url}/v1/completions`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      const e = await errorOf(res);
      assert.equal(e.code, 'E_INVALID_ARGUMENT');
      assert.match(e.message, pattern);
    }
  });

  it('tokenizes and detokenizes through the engine, in llama-server\'s shapes', async () => {
    // The fake engine's vocabulary: one id per UTF-16 unit, BOS 1.
    let res = await post(`${s.url}/tokenize`, { content: 'hi' });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { tokens: [104, 105] });
    res = await post(`${s.url}/tokenize`, { content: 'hi', add_special: true, with_pieces: true });
    assert.deepEqual(await res.json(), { tokens: [{ id: 1, piece: '' }, { id: 104, piece: 'h' }, { id: 105, piece: 'i' }] });
    res = await post(`${s.url}/detokenize`, { tokens: [104, 105] });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { content: 'hi' });
    for (const [p, body] of [['/tokenize', { content: 7 }], ['/detokenize', { tokens: ['a'] }], ['/detokenize', { tokens: [1e9] }]] as const) {
      res = await post(`${s.url}${p}`, body);
      assert.equal(res.status, 400, `${p} ${JSON.stringify(body)}`);
      assert.equal((await errorOf(res)).code, 'E_INVALID_ARGUMENT');
    }
  });

  it('answers 400 naming what is wrong: bad JSON, a bad field', async () => {
    let res = await post(`${s.url}/v1/chat/completions`, '{"messages": [');
    assert.equal(res.status, 400);
    const e = await errorOf(res);
    assert.equal(e.code, 'E_INVALID_ARGUMENT');
    assert.match(e.message, /not valid JSON/);
    res = await post(`${s.url}/v1/chat/completions`, { messages: [{ role: 'wizard', content: 'x' }] });
    assert.equal(res.status, 400);
    assert.match((await errorOf(res)).message, /messages\[0\]\.role/);
    res = await post(`${s.url}/infill`, { input_prefix: 'a', n_predict: 'many' });
    assert.equal(res.status, 400);
    assert.match((await errorOf(res)).message, /n_predict/);
  });

  it('answers 413 to a body over 1 MiB, 404 to an unknown path, 405 to a wrong method', async () => {
    let res = await post(`${s.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'x'.repeat(1.2 * 1024 * 1024) }] });
    assert.equal(res.status, 413);
    assert.equal((await errorOf(res)).code, 'E_PAYLOAD_TOO_LARGE');
    res = await fetch(`${s.url}/v2/nothing`);
    assert.equal(res.status, 404);
    res = await fetch(`${s.url}/v1/chat/completions`);
    assert.equal(res.status, 405);
  });

  it('keeps serving when the engine process is killed: the process is restarted with the model', async () => {
    const engine = childEngine({ HEARTH_ENGINE: 'fake' });
    const k = await serve({ engine });
    try {
      const pid = engine.pid;
      assert.ok(pid);
      process.kill(pid, 'SIGKILL');
      // Until the engine is back, requests get 503 with Retry-After (or wait for
      // the restart inside EngineProcess); the server itself never goes away.
      let res: Response | null = null;
      const deadline = Date.now() + 20000;
      while (Date.now() < deadline) {
        res = await post(`${k.url}/v1/chat/completions`, { messages: USER });
        if (res.status === 200) break;
        assert.equal(res.status, 503);
        assert.ok(res.headers.get('retry-after'));
        await res.text();
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(res?.status, 200);
      assert.equal(((await res!.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content, fakeChatReplyFor(USER));
      assert.notEqual(engine.pid, pid);
      assert.equal((await fetch(`${k.url}/health`)).status, 200);
    } finally {
      await k.server.close();
    }
  });

  it('sends no CORS headers by default and refuses preflights', async () => {
    const res = await fetch(`${s.url}/v1/models`, { headers: { Origin: 'http://evil.example' } });
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    const pre = await fetch(`${s.url}/v1/chat/completions`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' } });
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
    assert.notEqual(pre.status, 204);
  });
});

/** FakeEngine whose chat signals the test can watch, and whose load can be held back. */
class WatchedEngine extends FakeEngine {
  signals: AbortSignal[] = [];
  loadGate: Promise<void> = Promise.resolve();
  override async load(modelPath: string, options: LoadOptions): Promise<ModelInfo> {
    await this.loadGate;
    return super.load(modelPath, options);
  }
  override chat(messages: ChatMessage[], options: ChatOptions, signal: AbortSignal): TextStream {
    this.signals.push(signal);
    return super.chat(messages, options, signal);
  }
}

describe('hearth serve: safety and limits (fake engine in-process)', function () {
  this.timeout(30000);
  const KEY = 'k'.repeat(20) + '-secret';

  it('refuses a non-loopback host without an API key', async () => {
    await assert.rejects(startServer({ engine: new FakeEngine(), modelPath: MODEL, host: '0.0.0.0', port: 0 }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'E_INVALID_ARGUMENT');
      assert.match(err.message, /API key/);
      return true;
    });
    assert.ok(isLoopbackHost('127.0.0.1') && isLoopbackHost('::1') && isLoopbackHost('localhost'));
    assert.ok(!isLoopbackHost('0.0.0.0') && !isLoopbackHost('192.168.1.2') && !isLoopbackHost('::'));
  });

  it('the CLI refuses a non-loopback --host without --api-key-file (exit 2, coded)', () => {
    const r = spawnSync(process.execPath, [...EXEC_ARGV, path.join(ROOT, 'extension', 'cli', 'main.ts'), 'serve', MODEL, '--host', '0.0.0.0'], { encoding: 'utf8', timeout: 30000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /E_INVALID_ARGUMENT: refusing to listen on 0\.0\.0\.0 without an API key/);
  });

  it('checks the bearer token on every endpoint but /health', async () => {
    const s = await serve({ engine: new FakeEngine(), apiKey: KEY });
    try {
      assert.equal((await fetch(`${s.url}/health`)).status, 200);
      for (const auth of [undefined, 'Bearer wrong', `Basic ${KEY}`]) {
        const res = await fetch(`${s.url}/v1/models`, { headers: auth ? { Authorization: auth } : {} });
        assert.equal(res.status, 401, String(auth));
        assert.equal((await errorOf(res)).code, 'E_UNAUTHORIZED');
      }
      const denied = await post(`${s.url}/v1/chat/completions`, { messages: USER });
      assert.equal(denied.status, 401);
      const ok = await post(`${s.url}/v1/chat/completions`, { messages: USER }, { Authorization: `Bearer ${KEY}` });
      assert.equal(ok.status, 200);
      assert.ok(tokenMatches(KEY, KEY) && !tokenMatches(KEY.slice(1), KEY));
    } finally {
      await s.server.close();
    }
  });

  it('answers 503 while the model loads', async () => {
    const engine = new WatchedEngine();
    let release!: () => void;
    engine.loadGate = new Promise((r) => (release = r));
    const server = await startServer({ engine, modelPath: MODEL, port: 0, log: () => {} });
    try {
      const url = `http://127.0.0.1:${server.port}`;
      assert.equal((await fetch(`${url}/health`)).status, 503);
      const res = await post(`${url}/v1/chat/completions`, { messages: USER });
      assert.equal(res.status, 503);
      assert.equal((await errorOf(res)).code, 'E_NO_MODEL');
      assert.ok(res.headers.get('retry-after'));
      release();
      await server.ready;
      assert.equal((await fetch(`${url}/health`)).status, 200);
    } finally {
      release();
      await server.close();
    }
  });

  it('answers 503 with Retry-After when the queue is full', async () => {
    const s = await serve({ engine: new FakeEngine(40), parallel: 1, queue: 0 });
    try {
      const first = await post(`${s.url}/v1/chat/completions`, { messages: USER, stream: true });
      assert.equal(first.status, 200);
      const second = await post(`${s.url}/infill`, { input_prefix: 'x = ' });
      assert.equal(second.status, 503);
      assert.equal((await errorOf(second)).code, 'E_BUSY');
      assert.equal(second.headers.get('retry-after'), '1');
      await first.text();
      assert.equal((await post(`${s.url}/infill`, { input_prefix: 'x = ' })).status, 200, 'the slot is free again');
    } finally {
      await s.server.close();
    }
  });

  it('queues requests beyond --parallel and runs them in turn', async () => {
    const s = await serve({ engine: new FakeEngine(5), parallel: 1, queue: 4 });
    try {
      const results = await Promise.all([1, 2, 3].map((i) => post(`${s.url}/infill`, { input_prefix: `v${i} = ` }).then((r) => r.json() as Promise<{ content: string }>)));
      assert.deepEqual(results.map((r) => r.content), ['v1_value + 1;', 'v2_value + 1;', 'v3_value + 1;']);
    } finally {
      await s.server.close();
    }
  });

  it('refuses a prompt over the token limit with 413', async () => {
    const s = await serve({ engine: new FakeEngine(), limits: { promptTokens: 8 } });
    try {
      const res = await post(`${s.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'word '.repeat(100) }] });
      assert.equal(res.status, 413);
      assert.match((await errorOf(res)).message, /over the limit of 8/);
    } finally {
      await s.server.close();
    }
  });

  it('aborts the generation when the client disconnects mid-stream', async () => {
    const engine = new WatchedEngine(100);
    const s = await serve({ engine, parallel: 1, queue: 0 });
    try {
      const ac = new AbortController();
      const res = await post(`${s.url}/v1/chat/completions`, { messages: USER, stream: true }, {}, ac.signal);
      const reader = res.body!.getReader();
      await reader.read(); // the first chunk arrived: generation is running
      ac.abort();
      const deadline = Date.now() + 5000;
      while (!engine.signals[0]?.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(engine.signals[0]?.aborted, true, 'the engine saw the abort');
      // Its slot is free again (queue 0: a held slot would answer 503).
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = (await post(`${s.url}/infill`, { input_prefix: 'x = ' })).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(status, 200);
      assert.match(s.lines.join(''), /POST \/v1\/chat\/completions 499/);
    } finally {
      await s.server.close();
    }
  });

  it('logs prompt text only with --log-prompts', async () => {
    const s = await serve({ engine: new FakeEngine(), logPrompts: true });
    try {
      await (await post(`${s.url}/v1/chat/completions`, { messages: USER })).text();
      await new Promise((r) => setTimeout(r, 20)); // the line is written on the response's close
      assert.match(s.lines.join(''), /POST \/v1\/chat\/completions 200 .*prompt_text="What is the answer\?"/);
    } finally {
      await s.server.close();
    }
  });

  it('sends CORS headers only for the --cors origin, and answers its preflight', async () => {
    const origin = 'http://tool.localhost:3000';
    const s = await serve({ engine: new FakeEngine(), cors: origin });
    try {
      const pre = await fetch(`${s.url}/v1/chat/completions`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get('access-control-allow-origin'), origin);
      const other = await fetch(`${s.url}/v1/models`, { headers: { Origin: 'http://evil.example' } });
      assert.equal(other.headers.get('access-control-allow-origin'), null);
    } finally {
      await s.server.close();
    }
  });
});

/** Greedy text of `n` tokens after `prompt` (BOS first, as the model wants), from the engine library in this process. */
async function directGreedy(prompt: string, n: number): Promise<string> {
  const model = await loadModel(MODEL, { threads: 1 });
  try {
    const gen = model.createSession().generate(prompt, { maxTokens: n, temperature: 0, stopOnEog: true });
    return (await gen.result).text;
  } finally {
    model.dispose();
  }
}

describe('hearth serve: the real engine process on the tiny model', function () {
  this.timeout(120000);

  it('answers /v1/chat/completions, /infill and /v1/completions (the same greedy text as the engine library)', async function () {
    // Vendored in test/fixtures: a missing file is a broken checkout, not a reason to skip.
    assert.ok(fs.existsSync(MODEL), `${MODEL} is missing`);
    const s = await serve({ engine: childEngine({ HEARTH_ENGINE: '' }), load: { threads: Math.min(2, os.cpus().length) } });
    try {
      const res = await post(`${s.url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'Once upon a time' }], max_tokens: 6, temperature: 0 });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { choices: { message: { content: string }; finish_reason: string }[] };
      assert.equal(typeof body.choices[0].message.content, 'string');
      assert.ok(body.choices[0].message.content.length > 0);
      assert.ok(['stop', 'length'].includes(body.choices[0].finish_reason));
      const inf = await post(`${s.url}/infill`, { input_prefix: 'Once upon a time', n_predict: 4 });
      assert.equal(inf.status, 200);
      assert.equal(typeof ((await inf.json()) as { content: unknown }).content, 'string');
      // llama.vscode's warm-up: evaluate the window, generate nothing.
      const warm = await post(`${s.url}/infill`, { input_prefix: 'Once upon a time', n_predict: 0, t_max_predict_ms: 1 });
      assert.equal(warm.status, 200);
      const warmed = (await warm.json()) as { content: unknown; tokens_cached: number; tokens_evaluated: number; timings: { prompt_n: number } };
      assert.equal(warmed.content, '');
      // The same prefix again: most of it comes from the cache, and prompt_n counts only what was computed (as llama-server's does).
      assert.ok(warmed.tokens_cached > 0, JSON.stringify(warmed));
      assert.equal(warmed.timings.prompt_n + warmed.tokens_cached, warmed.tokens_evaluated);
      // Pieces as llama-server spells them: a SentencePiece word keeps its leading space, the first one too.
      const pieces = await post(`${s.url}/tokenize`, { content: 'Once upon a time', with_pieces: true });
      assert.deepEqual(((await pieces.json()) as { tokens: { piece: string }[] }).tokens.map((t) => t.piece), [' Once', ' upon', ' a', ' time']);
      // Raw text: greedy, the same tokens as the engine library's own generate on the same prompt.
      const expected = await directGreedy('Once upon a time', 8);
      const cmpl = await post(`${s.url}/v1/completions`, { prompt: 'Once upon a time', max_tokens: 8, temperature: 0 });
      assert.equal(cmpl.status, 200);
      const answer = (await cmpl.json()) as { choices: { text: string; finish_reason: string }[]; usage: Record<string, number> };
      const text = answer.choices[0].text;
      assert.equal(text, expected);
      // The engine's exact counts: BOS + 4 prompt tokens ([1, 403, 407, 261, 378]); 8 generated when the length ended it.
      assert.equal(answer.usage.prompt_tokens, 5);
      if (answer.choices[0].finish_reason === 'length') assert.equal(answer.usage.completion_tokens, 8);
      const streamed = sseData(await (await post(`${s.url}/v1/completions`, { prompt: 'Once upon a time', max_tokens: 8, stream: true })).text());
      assert.equal(streamed.slice(0, -1).map((e) => (JSON.parse(e) as { choices: { text: string }[] }).choices[0].text).join(''), expected);
    } finally {
      await s.server.close();
    }
  });
});

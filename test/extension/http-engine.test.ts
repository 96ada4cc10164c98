/**
 * The endpoint provider (extension/host/http-engine.ts) against `hearth serve`
 * run in-process over the deterministic FakeEngine: what HttpEngine streams
 * must be exactly what the fake engine generated, errors arrive coded and
 * without the API key, and checkEndpointUrl keeps code off plain-http
 * networks.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { startServer, type RunningServer } from '../../extension/serve/server';
import { FakeEngine, fakeChatReplyFor, fakeCompletionFor } from '../../extension/host/fake-engine';
import { HttpEngine, checkEndpointUrl } from '../../extension/host/http-engine';
import { consume, type ChatMessage, type FimRequest } from '../../extension/host/engine-port';

const KEY = 'sk-test-very-secret-4711';
const USER: ChatMessage[] = [{ role: 'user', content: 'What is the answer?' }];

function fim(prefix: string): FimRequest {
  return { path: 'a.js', chunks: [{ path: 'util.js', text: 'export const x = 1;\n' }], prefix, suffix: '\n}\n', maxTokens: 32, timeBudgetMs: 2000, stop: [] };
}

/** The code of what `p` rejects with. */
async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

/** A port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('HttpEngine against hearth serve (fake engine)', function () {
  this.timeout(30000);
  let dir: string;
  let server: RunningServer;
  let url: string;

  before(async () => {
    // The fake engine only stats the model file.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-http-engine-'));
    const model = path.join(dir, 'fake-coder.gguf');
    fs.writeFileSync(model, 'GGUF');
    server = await startServer({ engine: new FakeEngine(5), modelPath: model, port: 0, apiKey: KEY, log: () => undefined });
    await server.ready;
    url = `http://127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const engine = (): HttpEngine => new HttpEngine({ baseUrl: `${url}/`, apiKey: KEY });

  it('loads: the ModelInfo comes from /v1/models', async () => {
    const info = await engine().load('/ignored/path.gguf', {});
    assert.equal(info.path, url);
    assert.equal(info.name, 'fake-coder');
    assert.equal(info.architecture, 'llama');
    assert.equal(info.contextLength, 2048);
    assert.equal(info.fim, 'qwen');
    assert.equal(info.repoLevelFim, false);
    assert.equal(info.parameters, 0);
    assert.equal(info.sizeBytes, 0);
  });

  it('refuses a model the server does not list', async () => {
    const e = new HttpEngine({ baseUrl: url, apiKey: KEY, model: 'other-model' });
    const err = await rejection(e.load('', {}));
    assert.equal(err.code, 'E_NO_MODEL');
    assert.match(err.message, /other-model/);
    assert.match(err.message, /fake-coder/);
  });

  it('streams the chat reply piece by piece and ends with eog', async () => {
    const e = engine();
    await e.load('', {});
    const pieces: string[] = [];
    const reason = await consume(e.chat(USER, { maxTokens: 64 }, new AbortController().signal), (p) => pieces.push(p));
    assert.equal(pieces.join(''), fakeChatReplyFor(USER));
    assert.ok(pieces.length > 3, 'more than one piece');
    assert.equal(reason, 'eog');
  });

  it('continues raw text through /v1/completions, streamed', async () => {
    const e = engine();
    await e.load('', {});
    const pieces: string[] = [];
    const reason = await consume(e.generate('Once upon a time', { maxTokens: 64, stop: ['\n\n'], parseSpecial: false }, new AbortController().signal), (p) => pieces.push(p));
    assert.equal(pieces.join(''), fakeCompletionFor({ prefix: 'Once upon a time' }));
    assert.ok(pieces.length > 1, 'more than one piece');
    assert.equal(reason, 'eog');
  });

  it('completes through /infill', async () => {
    const pieces: string[] = [];
    const request = fim('function f() {\n  total = ');
    const reason = await consume(engine().complete(request, new AbortController().signal), (p) => pieces.push(p));
    assert.equal(pieces.join(''), fakeCompletionFor({ prefix: request.prefix }));
    assert.equal(reason, 'eog');
  });

  it('tokenizes and detokenizes round trip, and counts tokens', async () => {
    const e = engine();
    const ids = await e.tokenize('héllo', { addBos: true });
    assert.deepEqual(ids, [1, ...Array.from('héllo', (c) => c.charCodeAt(0))]);
    assert.equal(await e.detokenize(ids), 'héllo');
    assert.equal(await e.countTokens('abcdef'), 6);
  });

  it('reports its status from /health', async () => {
    const e = engine();
    await e.load('', {});
    const s = await e.status();
    assert.equal(s.engine, 'endpoint');
    assert.equal(s.state, 'ready');
    assert.equal(s.model?.name, 'fake-coder');
    assert.equal(s.lastError, null);
  });

  it('ends a chat aborted mid-stream with E_ABORTED', async () => {
    const ac = new AbortController();
    const pieces: string[] = [];
    const err = await rejection(consume(engine().chat(USER, { maxTokens: 64 }, ac.signal), (p) => {
      pieces.push(p);
      if (pieces.length === 2) ac.abort();
    }));
    assert.equal(err.code, 'E_ABORTED');
    assert.equal(pieces.length, 2);
  });

  it('ends a completion aborted before it starts with E_ABORTED', async () => {
    const ac = new AbortController();
    ac.abort();
    const err = await rejection(consume(engine().complete(fim('x = '), ac.signal), () => undefined));
    assert.equal(err.code, 'E_ABORTED');
  });

  it('answers a wrong API key with E_UNAUTHORIZED and keeps the key out of the message', async () => {
    const wrong = `${KEY}-wrong`;
    const e = new HttpEngine({ baseUrl: url, apiKey: wrong });
    const err = await rejection(e.load('', {}));
    assert.equal(err.code, 'E_UNAUTHORIZED');
    assert.match(err.message, /401/);
    assert.ok(err.message.includes(url), 'the message names the URL');
    assert.ok(!err.message.includes(wrong) && !err.message.includes(KEY), 'no key in the message');
    const chatErr = await rejection(consume(e.chat(USER, { maxTokens: 8 }, new AbortController().signal), () => undefined));
    assert.equal(chatErr.code, 'E_UNAUTHORIZED');
  });

  it('answers a refused connection with E_ENGINE_UNAVAILABLE naming the URL', async () => {
    const port = await closedPort();
    const e = new HttpEngine({ baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY });
    const err = await rejection(e.load('', {}));
    assert.equal(err.code, 'E_ENGINE_UNAVAILABLE');
    assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.ok(!err.message.includes(KEY));
    const s = await e.status();
    assert.equal(s.state, 'failed');
    assert.ok(s.lastError && !s.lastError.includes(KEY));
  });
});

/**
 * A bare OpenAI-compatible server (no /health, no /tokenize, no model meta,
 * CRLF events, no [DONE]), as some hosted APIs are: the defaults must fill in.
 */
describe('HttpEngine against a plain OpenAI-style server', () => {
  let server: http.Server;
  let url: string;
  const chunk = (content: string | null, finish: string | null): string =>
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }] })}\r\n\r\n`;

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/v1/models') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'team-coder', object: 'model' }] }));
      } else if (req.method === 'POST' && req.url === '/v1/chat/completions') {
        res.writeHead(200, { 'Content-Type': 'text/event-stream' });
        // Split inside an event, so the reader must join partial lines.
        res.write(chunk('Hel', null).slice(0, 20));
        res.end(chunk('Hel', null).slice(20) + chunk('lo', null) + ': keep-alive\r\n\r\n' + chunk(null, 'length'));
      } else {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error' } }));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('loads with default facts, estimates tokens and reads a stream ended by finish_reason', async () => {
    const e = new HttpEngine({ baseUrl: url });
    const info = await e.load('', {});
    assert.deepEqual(
      { name: info.name, architecture: info.architecture, contextLength: info.contextLength, fim: info.fim },
      { name: 'team-coder', architecture: 'remote', contextLength: 4096, fim: null },
    );
    assert.equal(await e.countTokens('abcdefgh'), 2);
    const pieces: string[] = [];
    const reason = await consume(e.chat(USER, { maxTokens: 8 }, new AbortController().signal), (p) => pieces.push(p));
    assert.deepEqual(pieces, ['Hel', 'lo']);
    assert.equal(reason, 'length');
    const err = await rejection(consume(e.complete(fim('x = '), new AbortController().signal), () => undefined));
    assert.equal(err.code, 'E_NOT_IMPLEMENTED');
    assert.match(err.message, /\/infill answered 404: not found/);
  });
});

describe('checkEndpointUrl', () => {
  it('allows https anywhere', () => {
    assert.equal(checkEndpointUrl('https://llm.example.com/v1'), null);
    assert.equal(checkEndpointUrl('https://10.0.0.5:8443'), null);
  });

  it('allows http only for loopback hosts', () => {
    assert.equal(checkEndpointUrl('http://127.0.0.1:8012'), null);
    assert.equal(checkEndpointUrl('http://127.1.2.3'), null);
    assert.equal(checkEndpointUrl('http://localhost:8080'), null);
    assert.equal(checkEndpointUrl('http://[::1]:8012'), null);
    assert.match(checkEndpointUrl('http://llm.example.com') ?? '', /https/);
    assert.match(checkEndpointUrl('http://192.168.1.10:8012') ?? '', /https/);
    assert.match(checkEndpointUrl('http://localhost.example.com') ?? '', /https/);
  });

  it('refuses other schemes, credentials in the URL and garbage', () => {
    assert.match(checkEndpointUrl('ftp://127.0.0.1/') ?? '', /ftp/);
    assert.notEqual(checkEndpointUrl('file:///etc/passwd'), null);
    assert.notEqual(checkEndpointUrl('https://user:secret@llm.example.com'), null);
    assert.notEqual(checkEndpointUrl('not a url'), null);
    assert.notEqual(checkEndpointUrl(''), null);
  });
});

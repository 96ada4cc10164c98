/**
 * Activation, an inline completion, a chat round trip and the status command
 * with every network API of Node hooked to fail: Hearth must never touch the
 * network at run time. Runs in-process against test/extension/helpers/fake-vscode.
 * Then the real engine process (native engine, a real model) through load,
 * completion and chat, watched from the OS (/proc) for any socket but the
 * parent<->child IPC pair, with a self-check that the watch does flag TCP.
 */
import { strict as assert } from 'assert';
import { THREADS_KEY } from '../../extension/chat/chat-threads';
import * as fs from 'fs';
import * as path from 'path';
// The real module objects (an ES namespace import is a read-only copy).
/* eslint-disable @typescript-eslint/no-require-imports */
const net = require('net') as typeof import('net');
const http = require('http') as typeof import('http');
const https = require('https') as typeof import('https');
const dns = require('dns') as typeof import('dns');
const tls = require('tls') as typeof import('tls');
/* eslint-enable @typescript-eslint/no-require-imports */
import { useFakeVscode } from './helpers/with-fake-vscode';
import { tempDir, writeGguf } from './helpers/gguf-fixture';
import type * as FakeVscode from './helpers/fake-vscode';
import type { ToWebview } from '../../extension/protocol/webview-protocol';
import { spawn } from 'child_process';
import { EngineProcess } from '../../extension/host/parent/engine-process';
import { fixture, REPO_ROOT } from '../helpers/fixtures';
import { SocketWatch, networkSockets, socketInodes, type SocketFinding } from './helpers/socket-watch';

type Patch = { obj: Record<string, unknown>; key: string; orig: unknown };

function hookNetwork(hits: string[]): Patch[] {
  const patches: Patch[] = [];
  const trap = (obj: object, key: string, label: string): void => {
    const o = obj as Record<string, unknown>;
    patches.push({ obj: o, key, orig: o[key] });
    o[key] = (...args: unknown[]) => {
      hits.push(`${label}(${String(args[0]).slice(0, 60)})`);
      throw new Error(`network use is forbidden: ${label}`);
    };
  };
  trap(net, 'connect', 'net.connect');
  trap(net, 'createConnection', 'net.createConnection');
  trap(net.Socket.prototype, 'connect', 'net.Socket.connect');
  trap(http, 'request', 'http.request');
  trap(http, 'get', 'http.get');
  trap(https, 'request', 'https.request');
  trap(https, 'get', 'https.get');
  trap(tls, 'connect', 'tls.connect');
  trap(dns, 'lookup', 'dns.lookup');
  trap(dns, 'resolve', 'dns.resolve');
  trap(dns.promises, 'lookup', 'dns.promises.lookup');
  trap(globalThis, 'fetch', 'fetch');
  return patches;
}

describe('no network at run time', function () {
  this.timeout(20000);
  const hits: string[] = [];
  let patches: Patch[] = [];
  let vscode: typeof FakeVscode;
  const dir = tempDir('nonet');
  const subscriptions: { dispose(): unknown }[] = [];

  before(() => {
    vscode = useFakeVscode();
    process.env.HEARTH_ENGINE_IN_PROCESS = '1';
    patches = hookNetwork(hits);
  });

  after(async () => {
    for (const s of subscriptions.splice(0)) await s.dispose();
    for (const p of patches.reverse()) p.obj[p.key] = p.orig;
    delete process.env.HEARTH_ENGINE_IN_PROCESS;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('activates, completes, chats and reports status without any network call', async () => {
    const model = writeGguf(dir, 'model.gguf', { arch: 'qwen2', tokens: ['<|fim_prefix|>', '<|fim_middle|>'] });
    vscode.recorded.settings.set('hearth.model', model);
    const store = new Map<string, unknown>();
    const context = {
      subscriptions,
      extensionUri: vscode.Uri.file(path.resolve(__dirname, '..', '..')),
      asAbsolutePath: (p: string) => path.resolve(__dirname, '..', '..', p),
      workspaceState: { get: (k: string) => store.get(k), update: async (k: string, v: unknown) => void store.set(k, v) },
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { activate } = require('../../extension/extension') as typeof import('../../extension/extension');
    await activate(context as never);
    assert.ok(vscode.recorded.commands.has('hearth.explainSelection'));
    assert.equal(vscode.recorded.inlineProviders.length, 1);

    // Inline completion (explicit trigger: no debounce).
    const text = 'function f() {\n  const total = \n}\n';
    const doc = vscode.fakeDocument(path.join(dir, 'a.ts'), text);
    const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
    let items: FakeVscode.InlineCompletionItem[] = [];
    for (let i = 0; i < 50 && items.length === 0; i++) {
      items = await vscode.recorded.inlineProviders[0].provideInlineCompletionItems(doc, new vscode.Position(1, 16), { triggerKind: 0 }, token);
      if (!items.length) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(items[0]?.insertText, 'total_value + 1;');

    // Chat round trip through the webview provider.
    const posted: ToWebview[] = [];
    let onMessage: (m: unknown) => void = () => {};
    const view = {
      webview: {
        options: {},
        html: '',
        cspSource: 'vscode-resource:',
        asWebviewUri: (u: FakeVscode.Uri) => u,
        postMessage: async (m: ToWebview) => void posted.push(m),
        onDidReceiveMessage: (l: (m: unknown) => void) => ((onMessage = l), { dispose() {} }),
      },
      onDidDispose: () => ({ dispose() {} }),
    };
    vscode.recorded.webviewProviders.get('hearth.chatView')?.resolveWebviewView(view);
    assert.match(view.webview.html, /default-src 'none'/);
    assert.match(view.webview.html, /script-src 'nonce-[A-Za-z0-9+/=]+'/);
    assert.doesNotMatch(view.webview.html, /https?:\/\//);
    onMessage({ type: 'ready' });
    onMessage({ type: 'send', text: 'hello there' });
    for (let i = 0; i < 100 && !posted.some((m) => m.type === 'turnEnd'); i++) await new Promise((r) => setTimeout(r, 20));
    const answer = posted.filter((m): m is Extract<ToWebview, { type: 'delta' }> => m.type === 'delta').map((m) => m.text).join('');
    assert.match(answer, /Fake answer to: hello there/);
    assert.equal((store.get(THREADS_KEY) as { threads: unknown[] } | undefined)?.threads.length, 1, 'the chat thread saved to workspaceState');

    const status = (await vscode.commands.executeCommand('hearth.showEngineStatus')) as string[];
    assert.match(status[0], /model — ready/);
    assert.deepEqual(hits, [], `network used: ${hits.join(', ')}`);
    assert.deepEqual(vscode.recorded.messages.filter((m) => m.level !== 'info'), []);
  });

  it('the hooks do catch network use (the test can fail)', () => {
    assert.throws(() => http.get('http://127.0.0.1:9/'), /forbidden/);
    assert.throws(() => dns.lookup('example.com', () => {}), /forbidden/);
    assert.equal(hits.length, 2);
    hits.length = 0;
  });
});

describe('no network at run time: the real engine process, seen from the OS', function () {
  this.timeout(120000);
  const MODEL = fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf');

  before(function () {
    if (!SocketWatch.supported()) {
      console.log('    skipped: no /proc to watch sockets in (Linux only)');
      this.skip();
    }
  });

  it('loads, completes and chats on the native engine with no socket but the IPC pair, in host or engine process', async () => {
    const proc = new EngineProcess({
      scriptPath: path.join(REPO_ROOT, 'extension', 'host', 'child', 'engine-host-main.ts'),
      execArgv: ['-r', require.resolve('tsx/cjs')],
      env: { HEARTH_ENGINE: 'native' },
    });
    // Sockets the test runner held before are not Hearth's.
    const watch = new SocketWatch(() => [process.pid, proc.pid], new Set(socketInodes(process.pid))).start(5);
    let all: SocketFinding[] = [];
    let enginePid: number | null = null;
    try {
      const info = await proc.load(MODEL, { contextTokens: 256, threads: 1 });
      enginePid = proc.pid;
      assert.equal(info.architecture, 'llama');
      const signal = new AbortController().signal;
      let completion = '';
      for await (const p of proc.complete({ path: 'story.txt', chunks: [], prefix: 'Once upon a time', suffix: '', maxTokens: 16, timeBudgetMs: 20000, stop: [] }, signal)) completion += p;
      assert.ok(completion.length > 0, 'no completion');
      let answer = '';
      for await (const p of proc.chat([{ role: 'user', content: 'Tell me a story.' }], { maxTokens: 16 }, signal)) answer += p;
      assert.ok(answer.length > 0, 'no chat answer');
      assert.equal((await proc.status()).state, 'ready');
    } finally {
      all = watch.stop();
      await proc.dispose();
    }
    assert.ok(watch.polls > 10, `the watch polled only ${watch.polls} times`);
    // The watch saw the engine's end of the IPC socketpair: it does see sockets.
    assert.ok(all.some((s) => s.pid === enginePid && s.kind === 'unix-unnamed'), `the IPC socketpair was not seen: ${JSON.stringify(all)}`);
    assert.deepEqual(networkSockets(all), [], 'Hearth opened a network socket');
  });

  it('the OS-level watch flags a TCP socket to 127.0.0.1 (the test can fail)', async () => {
    const child = spawn(process.execPath, ['-e', `
      const net = require('net');
      const server = net.createServer(() => {}).listen(0, '127.0.0.1', () => {
        net.connect(server.address().port, '127.0.0.1', () => process.stdout.write('connected\\n'));
      });
      setTimeout(() => process.exit(0), 1500);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    const watch = new SocketWatch(() => [child.pid ?? null]).start(5);
    await new Promise<void>((resolve) => child.stdout?.on('data', () => resolve()));
    await new Promise((r) => setTimeout(r, 100));
    const found = networkSockets(watch.stop());
    child.kill();
    assert.ok(found.some((s) => s.kind.startsWith('tcp')), `the TCP socket was not flagged: ${JSON.stringify(found)}`);
  });
});

/**
 * hearth.provider = endpoint through the model manager (fake vscode): both
 * roles get the server's engine, the status says where requests go, a
 * plain-http remote URL and a workspace's attempt to turn it on are refused,
 * and the API key comes from the secret storage.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { useFakeVscode } from './helpers/with-fake-vscode';
import type * as FakeVscode from './helpers/fake-vscode';
import { startServer, type RunningServer } from '../../extension/serve/server';
import { FakeEngine, fakeChatReplyFor } from '../../extension/host/fake-engine';
import { consume } from '../../extension/host/engine-port';

const KEY = 'sk-endpoint-provider-test-1234';

describe('endpoint provider (model manager, fake vscode)', function () {
  this.timeout(30000);
  let vscode: typeof FakeVscode;
  let ModelManager: typeof import('../../extension/models/model-manager').ModelManager;
  let dir: string;
  let server: RunningServer;
  let url: string;
  const secrets = new Map<string, string>();
  const log = { info: () => {}, error: () => {}, show: () => {} };
  const manager = (): InstanceType<typeof ModelManager> =>
    new ModelManager({ asAbsolutePath: (p: string) => p, secrets: { get: async (k: string) => secrets.get(k) } } as never, log as never, () => {
      throw new Error('no local engine may start while the provider is the endpoint');
    });

  before(async () => {
    vscode = useFakeVscode();
    /* eslint-disable-next-line @typescript-eslint/no-require-imports */
    ModelManager = (require('../../extension/models/model-manager') as typeof import('../../extension/models/model-manager')).ModelManager;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-endpoint-provider-'));
    const model = path.join(dir, 'team-coder.gguf');
    fs.writeFileSync(model, 'GGUF');
    server = await startServer({ engine: new FakeEngine(), modelPath: model, port: 0, apiKey: KEY, log: () => undefined });
    await server.ready;
    url = `http://127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    for (const k of ['hearth.provider', 'hearth.endpoint.url', 'hearth.endpoint.model', 'hearth.model']) {
      vscode.recorded.settings.delete(k);
      vscode.recorded.workspaceSettings.delete(k);
    }
    vscode.resetFake();
  });
  beforeEach(() => {
    vscode.recorded.messages.length = 0;
    secrets.set('hearth.endpoint.apiKey', KEY);
  });

  it('serves chat and completions from the server, with the key from the secret storage; the status names the server', async () => {
    vscode.recorded.settings.set('hearth.provider', 'endpoint');
    vscode.recorded.settings.set('hearth.endpoint.url', url);
    const m = manager();
    try {
      const chat = await m.engineFor('chat', { interactive: true });
      assert.ok(chat, JSON.stringify(vscode.recorded.messages));
      assert.equal(chat.info.name, 'team-coder');
      assert.equal(chat.info.endpoint, url);
      const messages = [{ role: 'user' as const, content: 'hello there' }];
      let text = '';
      await consume(chat.engine.chat(messages, { maxTokens: 64 }, new AbortController().signal), (p) => (text += p));
      assert.equal(text, fakeChatReplyFor(messages));
      const completion = await m.engineFor('completion');
      assert.ok(completion, 'the completion role uses the same server');
      const st = await m.status('completion');
      assert.equal(st.state, 'ready');
      assert.equal(st.model, `team-coder @ 127.0.0.1:${server.port}`);
      assert.match(st.detail, /^endpoint http:\/\/127\.0\.0\.1:/);
    } finally {
      m.dispose();
    }
  });

  it('loads no local model while the provider is the endpoint (the manager would throw starting one)', async () => {
    vscode.recorded.settings.set('hearth.provider', 'endpoint');
    vscode.recorded.settings.set('hearth.endpoint.url', url);
    vscode.recorded.settings.set('hearth.model', path.join(dir, 'team-coder.gguf'));
    const m = manager();
    try {
      await m.loadConfigured();
      assert.ok(await m.engineFor('completion'), 'the server serves completions');
    } finally {
      m.dispose();
      vscode.recorded.settings.delete('hearth.model');
    }
  });

  it('a wrong key is refused by the server and said without the key', async () => {
    vscode.recorded.settings.set('hearth.provider', 'endpoint');
    vscode.recorded.settings.set('hearth.endpoint.url', url);
    secrets.set('hearth.endpoint.apiKey', 'sk-wrong-key-00000000');
    const m = manager();
    try {
      assert.equal(await m.engineFor('chat', { interactive: true }), null);
      const shown = vscode.recorded.messages.map((x) => x.text).join('\n');
      assert.match(shown, /cannot use the server at 127\.0\.0\.1/);
      assert.ok(!shown.includes('sk-wrong-key'), shown);
      assert.equal((await m.status('chat')).state, 'error');
    } finally {
      m.dispose();
    }
  });

  it('refuses a plain-http URL to another machine, saying why', async () => {
    vscode.recorded.settings.set('hearth.provider', 'endpoint');
    vscode.recorded.settings.set('hearth.endpoint.url', 'http://gpu-box.example:8012');
    const m = manager();
    try {
      assert.equal(await m.engineFor('chat', { interactive: true }), null);
      assert.match(vscode.recorded.messages.map((x) => x.text).join('\n'), /https/);
    } finally {
      m.dispose();
    }
  });

  it('ignores hearth.provider and hearth.endpoint.url set by a workspace', async () => {
    vscode.recorded.settings.delete('hearth.provider');
    vscode.recorded.settings.delete('hearth.endpoint.url');
    vscode.recorded.workspaceSettings.set('hearth.provider', 'endpoint');
    vscode.recorded.workspaceSettings.set('hearth.endpoint.url', url);
    /* eslint-disable-next-line @typescript-eslint/no-require-imports */
    const config = require('../../extension/config') as typeof import('../../extension/config');
    assert.deepEqual(config.readEndpointConfig(), { provider: 'local', url: '', model: '' });
    const m = manager();
    try {
      // Local provider and no model set: nothing to load, and no engine was started.
      assert.equal(await m.engineFor('chat'), null);
      assert.equal((await m.status('chat')).state, 'no-model');
    } finally {
      m.dispose();
      vscode.recorded.workspaceSettings.delete('hearth.provider');
      vscode.recorded.workspaceSettings.delete('hearth.endpoint.url');
    }
  });
});

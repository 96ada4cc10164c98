/**
 * Chat keeps the question: the webview clears its input only when the
 * extension answers that it took the question, and a question it could not
 * take (no model, a model that failed to load) is answered in the thread with
 * the reason, every time, not only in a one-off notification.
 */
import { strict as assert } from 'assert';
import { useFakeVscode } from './helpers/with-fake-vscode';
import { FakeEngine } from '../../extension/host/fake-engine';
import type * as FakeVscode from './helpers/fake-vscode';

describe('chat: a question leaves the input only once taken', function () {
  this.timeout(30000);
  let vscode: typeof FakeVscode;
  before(() => {
    vscode = useFakeVscode();
  });
  after(() => vscode.resetFake());

  async function sendWith(models: unknown, text: string): Promise<{ type: string; [k: string]: unknown }[]> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ChatViewProvider } = require('../../extension/chat/chat-view') as typeof import('../../extension/chat/chat-view');
    const store = new Map<string, unknown>();
    const context = { workspaceState: { get: (k: string) => store.get(k), update: async (k: string, v: unknown) => void store.set(k, v) }, extensionUri: vscode.Uri.file('/ext') };
    const provider = new ChatViewProvider(context as never, models as never, { error: () => {}, info: () => {} } as never, { propose: async () => false } as never);
    const posted: { type: string; [k: string]: unknown }[] = [];
    let onMessage: (m: unknown) => void = () => {};
    provider.resolveWebviewView({
      webview: {
        options: {}, html: '', cspSource: 'x', asWebviewUri: (u: unknown) => u,
        postMessage: async (m: { type: string }) => (posted.push(m), true),
        onDidReceiveMessage: (l: (m: unknown) => void) => ((onMessage = l), { dispose() {} }),
      },
      onDidDispose: () => ({ dispose() {} }),
    } as never);
    onMessage({ type: 'send', text });
    for (let i = 0; i < 200 && !posted.some((m) => m.type === 'sendResult') ; i++) await new Promise((r) => setTimeout(r, 10));
    for (let i = 0; i < 200 && posted.some((m) => m.type === 'sendResult' && m.accepted) && !posted.some((m) => m.type === 'busy' && m.busy === false); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    provider.dispose();
    return posted;
  }

  it('without a model: not taken, with the reason, each time', async () => {
    const models = { engineFor: async () => null, status: async () => ({ detail: 'No model is set (hearth.model).' }) };
    for (let i = 0; i < 2; i++) {
      const posted = await sendWith(models, '  why is the sky blue?  ');
      const r = posted.find((m) => m.type === 'sendResult');
      assert.deepEqual(r, { type: 'sendResult', text: 'why is the sky blue?', accepted: false, reason: 'No model is set (hearth.model).' });
      assert.ok(!posted.some((m) => m.type === 'turnStart'), 'no turn was started');
    }
  });

  it('with a model: taken before the answer streams', async () => {
    const engine = new FakeEngine();
    await engine.load(__filename, {});
    const models = { engineFor: async () => ({ engine, info: {} }), status: async () => ({ detail: '' }) };
    const posted = await sendWith(models, 'hello');
    const at = posted.findIndex((m) => m.type === 'sendResult');
    assert.deepEqual(posted[at], { type: 'sendResult', text: 'hello', accepted: true });
    assert.ok(posted.findIndex((m) => m.type === 'turnStart') > at, 'accepted before the turn starts');
    await engine.dispose();
  });
});

/**
 * The provider as VS Code drives it (test/extension/helpers/fake-vscode):
 * manual trigger mode answers only explicit requests (Alt+\), an explicit
 * request shows the first suggestion without waiting for the alternatives,
 * and a cursor landing on another line without an edit prefetches there.
 */
import { strict as assert } from 'assert';
import { useFakeVscode } from './helpers/with-fake-vscode';
import type * as FakeVscode from './helpers/fake-vscode';
import type { EnginePort, FimRequest, ModelInfo } from '../../extension/host/engine-port';


describe('completion provider', () => {
  let vscode: typeof FakeVscode;
  let Provider: typeof import('../../extension/completion/provider').HearthInlineProvider;

  before(() => {
    vscode = useFakeVscode();
    // After the fake vscode is installed: the provider imports 'vscode' when it loads.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Provider = (require('../../extension/completion/provider') as typeof import('../../extension/completion/provider')).HearthInlineProvider;
  });

  after(() => {
    vscode.recorded.settings.clear();
  });

  afterEach(() => vscode.recorded.settings.clear());

  function setup(fim: ModelInfo['fim'] = 'qwen'): { provider: InstanceType<typeof Provider>; completes: FimRequest[]; prefetches: FimRequest[]; release: () => void } {
    const completes: FimRequest[] = [];
    const prefetches: FimRequest[] = [];
    let release: () => void = () => {};
    const engine: EnginePort = {
      async load() { throw new Error('unused'); },
      complete(r: FimRequest) {
        completes.push(r);
        // Sampled alternatives wait until the test releases them.
        return (async function* () {
          if (r.temperature) await new Promise<void>((res) => (release = res));
          yield r.temperature ? `alt${r.seed}` : 'x + 1';
        })();
      },
      prefetch(r: FimRequest) { prefetches.push(r); },
      chat() { throw new Error('unused'); },
      generate() { throw new Error('unused'); },
      async countTokens(t: string) { return t.length; },
      async tokenize() { return []; },
      async detokenize() { return ""; },
      async status() { throw new Error('unused'); },
      async dispose() {},
    };
    const info = { fim, path: '/models/chat.gguf', name: 'chat' } as ModelInfo;
    const models = { engineFor: async () => ({ engine, info }) };
    const log = { info: () => {}, error: () => {}, warn: () => {} };
    const provider = new Provider(models as never, log as never);
    return { provider, completes, prefetches, release: () => release() };
  }

  const token = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
  const TEXT = 'let a = 1;\nlet b = ';
  const doc = () => vscode.fakeDocument('/ws/a.ts', TEXT);
  const at = (): FakeVscode.Position => new vscode.Position(1, 8);

  it('answers as you type in auto mode, only explicit requests in manual mode', async () => {
    const { provider, completes } = setup();
    const auto = { triggerKind: vscode.InlineCompletionTriggerKind.Automatic, selectedCompletionInfo: undefined };
    const invoke = { triggerKind: vscode.InlineCompletionTriggerKind.Invoke, selectedCompletionInfo: undefined };
    assert.equal((await provider.provideInlineCompletionItems(doc() as never, at() as never, auto as never, token as never)).length, 1);
    vscode.recorded.settings.set('hearth.completion.trigger', 'manual');
    vscode.recorded.settings.set('hearth.completion.alternatives', 0);
    const other = vscode.fakeDocument('/ws/b.ts', 'let c = ');
    const pos = new vscode.Position(0, 8);
    assert.deepEqual(await provider.provideInlineCompletionItems(other as never, pos as never, auto as never, token as never), []);
    assert.equal(completes.length, 1, 'a typed key asks nothing in manual mode');
    const items = await provider.provideInlineCompletionItems(other as never, pos as never, invoke as never, token as never);
    assert.deepEqual(items.map((i) => i.insertText), ['x + 1']);
    provider.dispose();
  });

  it('refuses a model without FIM tokens: no request, one warning naming FIM code models and the way to pick one', async () => {
    const { provider, completes } = setup(null);
    const before = vscode.recorded.messages.length;
    let picked = 0;
    vscode.recorded.commands.set('hearth.selectModel', () => void picked++);
    vscode.recorded.answer = async (_text, buttons) => buttons[0];
    try {
      const auto = { triggerKind: vscode.InlineCompletionTriggerKind.Automatic, selectedCompletionInfo: undefined };
      for (let i = 0; i < 3; i++) assert.deepEqual(await provider.provideInlineCompletionItems(doc() as never, at() as never, auto as never, token as never), []);
      assert.equal(completes.length, 0, 'the engine is never asked');
      const said = vscode.recorded.messages.slice(before);
      assert.equal(said.length, 1, 'said once, not at every key');
      assert.equal(said[0].level, 'warning');
      assert.match(said[0].text, /chat has no fill-in-the-middle tokens.*Qwen2\.5-Coder.*StarCoder2/);
      await new Promise((r) => setImmediate(r));
      assert.equal(picked, 1, 'its button opens Select Model');
    } finally {
      // The recorded state is shared by every suite using the fake vscode: leave it as found.
      vscode.recorded.messages.splice(before);
      vscode.recorded.answer = null;
      vscode.recorded.commands.delete('hearth.selectModel');
      provider.dispose();
    }
  });

  it('shows the first suggestion of an explicit request without waiting for the alternatives', async () => {
    const { provider, completes, release } = setup();
    vscode.recorded.settings.set('hearth.completion.alternatives', 2);
    const invoke = { triggerKind: vscode.InlineCompletionTriggerKind.Invoke, selectedCompletionInfo: undefined };
    const items = await provider.provideInlineCompletionItems(doc() as never, at() as never, invoke as never, token as never);
    assert.deepEqual(items.map((i) => i.insertText), ['x + 1'], 'the greedy one, while the samples still run');
    assert.ok(completes.some((r) => r.temperature), 'the alternatives were started behind it');
    release();
    provider.dispose();
  });

  it('prefetches where the cursor lands on another line without an edit', async () => {
    const { provider, prefetches } = setup();
    // A first request makes the engine known to the provider.
    const auto = { triggerKind: vscode.InlineCompletionTriggerKind.Automatic, selectedCompletionInfo: undefined };
    await provider.provideInlineCompletionItems(doc() as never, at() as never, auto as never, token as never);
    const d = doc();
    const editor = (line: number, ch: number) => ({ document: d, selection: new vscode.Selection(new vscode.Position(line, ch), new vscode.Position(line, ch)) });
    const p = provider as unknown as { onSelection(e: unknown, switched: boolean): void };
    p.onSelection(editor(1, 8), false);
    p.onSelection(editor(1, 3), false);
    assert.equal(prefetches.length, 0, 'along the same line: nothing');
    p.onSelection(editor(0, 4), false);
    assert.equal(prefetches.length, 1, 'another line: the window there');
    assert.equal(prefetches[0].prefix, 'let ');
    d.version = 2; // an edit moved the cursor
    p.onSelection(editor(1, 9), false);
    assert.equal(prefetches.length, 1, 'a typed key is not a cursor move');
    p.onSelection(editor(1, 0), true);
    assert.equal(prefetches.length, 2, 'switching editors prefetches');
    provider.dispose();
  });
});

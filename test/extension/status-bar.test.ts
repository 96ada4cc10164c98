import { strict as assert } from 'assert';
import { useFakeVscode } from './helpers/with-fake-vscode';
import type * as FakeVscode from './helpers/fake-vscode';

describe('status bar: completion busy state and last time (fake vscode)', () => {
  let vscode: typeof FakeVscode;
  let mod: typeof import('../../extension/ui/status-bar');
  const models = {
    onDidChange: () => ({ dispose() {} }),
    status: async () => ({ state: 'ready', detail: 'ok', model: 'm.gguf' }),
  };

  before(() => {
    vscode = useFakeVscode();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require('../../extension/ui/status-bar');
  });
  afterEach(() => vscode.recorded.settings.clear());

  it('spins while a completion is computed, then shows how long it took', async () => {
    const bar = new mod.StatusBar(models as never);
    await bar.update();
    const texts = vscode.recorded.statusTexts;
    assert.equal(texts[texts.length - 1], '$(pass-filled) Hearth');
    bar.completionBusy(true);
    assert.equal(texts[texts.length - 1], '$(loading~spin) Hearth');
    bar.completionBusy(false, 183.4);
    assert.equal(texts[texts.length - 1], '$(pass-filled) Hearth · 183 ms');
    // A completion that ended without a result keeps the last time shown.
    bar.completionBusy(true);
    bar.completionBusy(false);
    assert.equal(texts[texts.length - 1], '$(pass-filled) Hearth · 183 ms');
    // Turning completions off shows that, not a time; a config change re-renders.
    await vscode.workspace.getConfiguration('hearth').update('completion.enabled', false);
    await bar.update();
    assert.equal(texts[texts.length - 1], '$(circle-slash) Hearth');
    bar.dispose();
  });

  it('says the last time in the tooltip and ignores nonsense times', () => {
    assert.match(mod.completionStatusView({ enabled: true, busy: false, lastMs: 180 }).tooltip, /Last completion: 180 ms/);
    assert.match(mod.completionStatusView({ enabled: true, busy: true, lastMs: 180 }).tooltip, /computing.*\n.*180 ms/s);
    const bar = new mod.StatusBar(models as never);
    bar.completionBusy(false, Number.NaN);
    bar.completionBusy(false, -5);
    assert.equal(vscode.recorded.statusTexts[vscode.recorded.statusTexts.length - 1], '$(pass-filled) Hearth');
    bar.dispose();
  });

  it('a busy state whose end never comes clears itself', () => {
    const realSetTimeout = global.setTimeout;
    let fire: (() => void) | undefined;
    let delay = 0;
    (global as { setTimeout: unknown }).setTimeout = (fn: () => void, ms: number) => {
      fire = fn;
      delay = ms;
      return realSetTimeout(() => {}, 0);
    };
    try {
      const bar = new mod.StatusBar(models as never);
      bar.completionBusy(true);
      assert.equal(delay, mod.BUSY_TIMEOUT_MS);
      fire?.();
      assert.equal(vscode.recorded.statusTexts[vscode.recorded.statusTexts.length - 1], '$(pass-filled) Hearth');
      bar.dispose();
    } finally {
      global.setTimeout = realSetTimeout;
    }
  });
});

describe('engine status text', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { engineStatusLine } = require('../../extension/ui/engine-status-text') as typeof import('../../extension/ui/engine-status-text');
  const ready = {
    role: 'chat' as const, state: 'ready' as const, model: 'tiny', tokensPerSecond: 412.34, compute: 'CPU', threads: 1,
    loadedWith: 'threads 1, context 4096, backend auto, GPU layers auto',
    detail: `engine native, pid 7, restarts 0, CPU on CPU (2 threads), 1 thread (${'a long fallback reason; '.repeat(20)}); loaded with threads 1, context 4096, backend auto, GPU layers auto`,
  };

  it('is brief for the notification (where, threads, the options loaded with) and full for the log', () => {
    assert.equal(engineStatusLine(ready, true), 'chat: tiny — ready, 412.3 tok/s, CPU, 1 thread (loaded with threads 1, context 4096, backend auto, GPU layers auto)');
    assert.equal(engineStatusLine(ready, false), `chat: tiny — ready, 412.3 tok/s (${ready.detail})`);
    assert.equal(engineStatusLine({ ...ready, threads: 2 }, true).includes('CPU, 2 threads ('), true);
  });

  it('says why there is no model in both', () => {
    const failed = { role: 'completion' as const, state: 'error' as const, model: 'x.gguf', tokensPerSecond: null, detail: 'Hearth cannot find the model file /m/x.gguf. Check hearth.model.' };
    assert.equal(engineStatusLine(failed, true), 'completion: x.gguf — error: Hearth cannot find the model file /m/x.gguf. Check hearth.model.');
    assert.equal(engineStatusLine({ role: 'chat', state: 'no-model', model: null, tokensPerSecond: null, detail: 'No model is set (hearth.model).' }, true), 'chat: no model — no-model: No model is set (hearth.model).');
  });
});

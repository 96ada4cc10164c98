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

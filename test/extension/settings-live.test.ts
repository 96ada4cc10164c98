/**
 * Settings apply live (fake vscode, test engines): a change to an engine
 * setting reloads the model with the new options, a bad value is named and
 * changes nothing, a failed reload goes back to the previous settings and
 * names the setting, a chat answer in progress finishes first, "Restart
 * Engine" uses the current settings, the toggle writes where the value is
 * defined and "Select Model" writes the role's setting.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import { useFakeVscode } from './helpers/with-fake-vscode';
import { tempDir, writeGguf } from './helpers/gguf-fixture';
import type * as FakeVscode from './helpers/fake-vscode';
import type { LoadOptions, ModelInfo } from '../../extension/host/engine-port';
import { FakeEngine } from '../../extension/host/fake-engine';
import { EngineError } from '../../extension/engine/errors';

/** The fake engine (chats stream slowly), recording its loads and restarts, failing loads where told. */
class TestEngine extends FakeEngine {
  static all: TestEngine[] = [];
  static failWhen: (o: LoadOptions) => string | null = () => null;
  loads: LoadOptions[] = [];
  restarts = 0;
  disposed = false;
  constructor() {
    super(10);
    TestEngine.all.push(this);
  }
  override async load(modelPath: string, options: LoadOptions): Promise<ModelInfo> {
    this.loads.push(options);
    const why = TestEngine.failWhen(options);
    if (why) {
      await super.dispose();
      throw new EngineError('E_BACKEND_UNAVAILABLE', why);
    }
    return super.load(modelPath, options);
  }
  restart = async (load?: { modelPath: string; options: LoadOptions }): Promise<void> => {
    this.restarts++;
    if (load) await this.load(load.modelPath, load.options);
  };
  override async dispose(): Promise<void> {
    this.disposed = true;
    await super.dispose();
  }
}

const until = async (what: string, ok: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('settings apply live (host, fake vscode)', function () {
  this.timeout(20000);
  let vscode: typeof FakeVscode;
  let ModelManager: typeof import('../../extension/models/model-manager').ModelManager;
  let watch: typeof import('../../extension/models/settings-watch').watchEngineSettings;
  const dir = tempDir('settings-live');
  let model: string;
  let other: string;
  const log = { info: () => {}, error: () => {}, show: () => {} };
  const managers: { dispose(): void }[] = [];
  const newManager = (): InstanceType<typeof ModelManager> => {
    const m = new ModelManager({ asAbsolutePath: (p: string) => p } as never, log, () => new TestEngine());
    managers.push(m);
    return m;
  };
  const messages = (level: string): string[] => vscode.recorded.messages.filter((m) => m.level === level).map((m) => m.text);
  const set = (key: string, value: unknown): Promise<void> => vscode.workspace.getConfiguration('hearth').update(key, value);

  before(() => {
    vscode = useFakeVscode();
    /* eslint-disable @typescript-eslint/no-require-imports */
    ModelManager = require('../../extension/models/model-manager').ModelManager;
    watch = require('../../extension/models/settings-watch').watchEngineSettings;
    /* eslint-enable @typescript-eslint/no-require-imports */
    model = writeGguf(dir, 'model.gguf', { arch: 'qwen2', tokens: ['<|fim_prefix|>', '<|fim_middle|>'] });
    other = writeGguf(dir, 'other.gguf', { arch: 'llama' });
  });
  beforeEach(() => {
    vscode.resetFake();
    vscode.recorded.settings.clear();
    vscode.recorded.settings.set('hearth.model', model);
    TestEngine.all = [];
    TestEngine.failWhen = () => null;
  });
  afterEach(() => {
    for (const m of managers.splice(0)) m.dispose();
  });
  after(() => {
    vscode.recorded.settings.clear();
    vscode.resetFake();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a change to hearth.threads or a context size reloads the model with the new options, once per settled change', async () => {
    const models = newManager();
    const watcher = watch(models, 20);
    try {
      await models.loadConfigured();
      assert.equal(TestEngine.all.length, 1, 'one engine for both roles');
      const engine = TestEngine.all[0];
      assert.deepEqual(engine.loads, [{ contextTokens: 4096, threads: undefined, backend: 'auto', gpuLayers: 'auto' }]);
      // Three edits in a row (typing in the settings editor): one reload, with the last value.
      await set('threads', 1);
      await set('threads', 12);
      await set('threads', 2);
      await until('the reload', () => engine.loads.length === 2);
      await models.applySettings();
      assert.deepEqual(engine.loads[1], { contextTokens: 4096, threads: 2, backend: 'auto', gpuLayers: 'auto' });
      await set('chat.contextTokens', 8192);
      await until('the context reload', () => engine.loads.length === 3);
      assert.equal(engine.loads[2].contextTokens, 8192);
      assert.match((await models.status('chat')).detail, /loaded with threads 2, context 8192, backend auto, GPU layers auto/);
      // A completion window below the chat one changes nothing the engine gets: no reload.
      await set('completion.contextTokens', 2048);
      await new Promise((r) => setTimeout(r, 60));
      await models.applySettings();
      assert.equal(engine.loads.length, 3);
      // Settings the engine does not use do not reload it either.
      await set('completion.maxTokens', 64);
      await new Promise((r) => setTimeout(r, 60));
      assert.equal(engine.loads.length, 3);
      assert.deepEqual(messages('error').concat(messages('warning')), []);
    } finally {
      watcher.dispose();
    }
  });

  it('a bad value is named, keeps the value in use, and reloads nothing', async () => {
    const models = newManager();
    await set('threads', 2);
    await models.loadConfigured();
    const engine = TestEngine.all[0];
    await set('threads', -3);
    await models.applySettings();
    await models.applySettings();
    assert.equal(engine.loads.length, 1);
    assert.deepEqual(messages('warning'), ['Hearth did not apply hearth.threads = -3: it must be a whole number from 0 to 4096 (0: automatic). It keeps using 2.']);
    // Another change still applies, with the good value kept.
    await set('backend', 'cpu');
    await models.applySettings();
    assert.deepEqual(engine.loads[1], { contextTokens: 4096, threads: 2, backend: 'cpu', gpuLayers: 'auto' });
    assert.equal(messages('warning').length, 1, 'said once');
  });

  it('a failed reload goes back to the previous settings and names the setting; it is not retried until the settings change', async () => {
    const models = newManager();
    await models.loadConfigured();
    const engine = TestEngine.all[0];
    TestEngine.failWhen = (o) => (o.backend === 'cuda' ? 'CUDA: not built (no nvcc when this addon was compiled)' : null);
    await set('backend', 'cuda');
    await models.applySettings();
    assert.deepEqual(engine.loads.map((o) => o.backend), ['auto', 'cuda', 'auto']);
    assert.deepEqual(messages('error'), [
      'Hearth could not load model.gguf with hearth.backend = "cuda": CUDA: not built (no nvcc when this addon was compiled). It runs with the previous settings until you change it.',
    ]);
    const st = await models.status('completion');
    assert.equal(st.state, 'ready');
    assert.match(st.detail, /backend auto/);
    // Completions and chat still work on the previous settings.
    const got = await models.engineFor('chat');
    assert.ok(got, 'the model is still there');
    await models.applySettings();
    assert.equal(engine.loads.length, 3, 'the same bad settings are not tried again');
    await set('backend', 'cpu');
    await models.applySettings();
    assert.deepEqual(engine.loads.map((o) => o.backend), ['auto', 'cuda', 'auto', 'cpu']);
  });

  it('a chat answer in progress finishes before the reload, which then applies', async () => {
    const models = newManager();
    await models.loadConfigured();
    const engine = TestEngine.all[0];
    const got = await models.engineFor('chat', { interactive: true });
    assert.ok(got);
    let answer = '';
    let answerDone = false;
    const chat = (async () => {
      for await (const piece of got.engine.chat([{ role: 'user', content: 'a long question' }], { maxTokens: 64 }, new AbortController().signal)) answer += piece;
      answerDone = true;
    })();
    await until('the answer to start', () => answer.length > 0);
    await set('threads', 1);
    const applied = models.applySettings();
    await until('the message', () => messages('info').length > 0);
    assert.match(messages('info')[0], /will apply the new settings to model\.gguf when the chat answer in progress ends/);
    assert.equal(engine.loads.length, 1, 'no reload while the answer streams');
    await applied;
    await chat;
    assert.ok(answerDone);
    assert.match(answer, /Fake answer to: a long question/);
    assert.equal(engine.loads.length, 2);
    assert.equal(engine.loads[1].threads, 1);
  });

  it('"Stop the Answer" stops the chat (it ends as stopped) and reloads at once', async () => {
    const models = newManager();
    await models.loadConfigured();
    const engine = TestEngine.all[0];
    const got = await models.engineFor('chat', { interactive: true });
    assert.ok(got);
    const events: string[] = [];
    const chat = (async () => {
      try {
        for await (const piece of got.engine.chat([{ role: 'user', content: 'q' }], { maxTokens: 64 }, new AbortController().signal)) events.push(piece);
      } catch (err) {
        events.push(`error ${(err as EngineError).code}`);
      }
    })();
    await until('the answer to start', () => events.length > 0);
    vscode.recorded.answer = async (_text, buttons) => buttons[0];
    await set('threads', 1);
    await models.applySettings();
    await chat;
    assert.equal(events[events.length - 1], 'error E_ABORTED');
    assert.equal(engine.loads[1].threads, 1);
  });

  it('"Restart Engine" restarts with the current settings, and retries a failed model', async () => {
    const models = newManager();
    await models.loadConfigured();
    const engine = TestEngine.all[0];
    // Written while no watcher applies it: only the restart does.
    vscode.recorded.settings.set('hearth.threads', 3);
    await models.restartEngines();
    assert.equal(engine.restarts, 1);
    assert.deepEqual(engine.loads[1], { contextTokens: 4096, threads: 3, backend: 'auto', gpuLayers: 'auto' });
    assert.match((await models.status('completion')).detail, /threads 3/);
    // A model that failed is tried again (and its failure said again).
    await set('chat.model', '/nowhere/missing.gguf');
    await models.applySettings();
    assert.equal(messages('error').length, 1);
    await models.applySettings();
    assert.equal(messages('error').length, 1, 'not retried without a change');
    await models.restartEngines();
    assert.equal(messages('error').length, 2);
    assert.match(messages('error')[1], /cannot find the model file \/nowhere\/missing\.gguf/);
    assert.equal(engine.restarts, 2);
  });

  it('a lower hearth.maxModelMemoryMB unloads a model that no longer fits, naming it; raising it loads the model again', async () => {
    const models = newManager();
    await models.loadConfigured();
    const first = TestEngine.all[0];
    const size = fs.statSync(model).size;
    await set('maxModelMemoryMB', (size - 1) / (1024 * 1024));
    await models.applySettings();
    assert.ok(first.disposed, 'the engine holding it was shut down');
    assert.equal(messages('error').length, 1);
    assert.match(messages('error')[0], /model\.gguf \(.*\) is larger than the .* hearth\.maxModelMemoryMB now allows, so Hearth unloaded it/);
    assert.equal((await models.status('chat')).state, 'error');
    assert.equal(await models.engineFor('completion'), null);
    await set('maxModelMemoryMB', 0);
    await models.applySettings();
    const second = TestEngine.all[TestEngine.all.length - 1];
    assert.notEqual(second, first);
    assert.equal(second.loads.length, 1);
    assert.equal((await models.status('chat')).state, 'ready');
  });

  it('a per-role model change loads that model and drops the one no role uses', async () => {
    const models = newManager();
    await models.loadConfigured();
    const first = TestEngine.all[0];
    await set('completion.model', other);
    await set('chat.model', other);
    await models.applySettings();
    assert.ok(first.disposed);
    assert.equal(TestEngine.all.length, 2);
    assert.equal((await models.status('completion')).model, 'other');
  });

  it('the toggle writes where hearth.completion.enabled is defined', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { toggleCompletions } = require('../../extension/commands/toggle-completions') as typeof import('../../extension/commands/toggle-completions');
    await toggleCompletions();
    assert.equal(vscode.recorded.settings.get('hearth.completion.enabled'), false, 'nothing defined: the user setting');
    vscode.recorded.workspaceSettings.set('hearth.completion.enabled', false);
    await toggleCompletions();
    assert.equal(vscode.recorded.workspaceSettings.get('hearth.completion.enabled'), true, 'the workspace value flipped');
    assert.equal(vscode.recorded.settings.get('hearth.completion.enabled'), false, 'the user value untouched');
    vscode.workspace.workspaceFile = vscode.Uri.file('/ws/all.code-workspace');
    vscode.recorded.folderSettings.set('hearth.completion.enabled', true);
    await toggleCompletions();
    assert.equal(vscode.recorded.folderSettings.get('hearth.completion.enabled'), false, 'the folder value flipped');
    assert.equal(vscode.recorded.workspaceSettings.get('hearth.completion.enabled'), true);
  });

  it('"Select Model" asks for the role and writes that setting', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { selectModel } = require('../../extension/models/model-picker') as typeof import('../../extension/models/model-picker');
    const picks: unknown[][] = [];
    const answers: ((items: { choice?: string; modelPath?: string }[]) => unknown)[] = [];
    vscode.recorded.pickQuickPick = (items) => {
      picks.push(items);
      return answers.shift()?.(items as never);
    };
    vscode.workspace.workspaceFolders = [{ uri: vscode.Uri.file(dir) }];
    try {
      answers.push((items) => items.find((i) => i.choice === 'completion'), (items) => items.find((i) => i.modelPath === other));
      assert.equal(await selectModel(), other);
      assert.equal(vscode.recorded.settings.get('hearth.completion.model'), other);
      assert.equal(vscode.recorded.settings.get('hearth.model'), model, 'hearth.model untouched');
      answers.push((items) => items.find((i) => i.choice === 'both'), (items) => items.find((i) => i.modelPath === model));
      assert.equal(await selectModel(), model);
      assert.equal(vscode.recorded.settings.get('hearth.model'), model);
      assert.equal(vscode.recorded.settings.has('hearth.completion.model'), false, 'the per-role setting that would override it is cleared');
      // Dismissing the role question writes nothing.
      answers.push(() => undefined);
      assert.equal(await selectModel(), undefined);
      assert.equal(picks.length, 5);
      // A model without FIM tokens picked for completions: picked, with a warning naming FIM models.
      assert.ok(vscode.recorded.messages.some((m) => m.level === 'warning' && /no fill-in-the-middle tokens.*Qwen2\.5-Coder/.test(m.text)));
      // A model Hearth cannot run is listed last, with its reason; picking it changes nothing.
      const mamba = writeGguf(dir, 'mamba.gguf', { arch: 'mamba2' });
      answers.push((items) => items.find((i) => i.choice === 'chat'), (items) => {
        const rows = items as { modelPath?: string; detail?: string }[];
        const at = rows.findIndex((i) => i.modelPath === mamba);
        assert.ok(/cannot run: Hearth does not run "mamba2" models/.test(rows[at].detail ?? ''), rows[at].detail);
        assert.ok(rows.slice(0, at).every((i) => !/cannot run/.test(i.detail ?? '')), 'runnable models come first');
        return rows[at];
      });
      assert.equal(await selectModel(), undefined);
      assert.ok(vscode.recorded.messages.some((m) => m.level === 'error' && /mamba2.*Nothing was changed/.test(m.text)));
      assert.equal(vscode.recorded.settings.has('hearth.chat.model'), false);
      fs.rmSync(mamba);
    } finally {
      vscode.workspace.workspaceFolders = [];
    }
  });
});

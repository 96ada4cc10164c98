/**
 * The reload planner: from what each engine holds and what the settings ask
 * for, which model to load, reload (with which options, because of which
 * settings), unload or drop.
 */
import { strict as assert } from 'assert';
import { planReload, type SlotState, type Wanted } from '../../extension/models/reload-plan';
import { DEFAULT_ENGINE_SETTINGS as D, loadOptionsFor, type EngineSettings } from '../../extension/models/engine-settings';
import { reloadFailed, reloadFailedKeptPrevious, reloadTitle, unloadedTooBig, waitingForChat } from '../../extension/models/reload-messages';

const GB = 1 << 30;
const loaded = (path: string, loadedWith: EngineSettings = D, sizeBytes = GB): SlotState => ({ path, loadedWith, failedWith: null, sizeBytes });
const failed = (path: string, failedWith: EngineSettings = D): SlotState => ({ path, loadedWith: null, failedWith, sizeBytes: null });
const wanted = (completion: string, chat: string, settings: EngineSettings = D, extra: Partial<Wanted> = {}): Wanted => ({ paths: { completion, chat }, settings, maxBytes: 4 * GB, ...extra });

describe('reload plan', () => {
  it('loads what is configured and not loaded, once per model, with the roles it serves', () => {
    assert.deepEqual(planReload([], wanted('/m/a.gguf', '/m/a.gguf')), [
      { kind: 'load', path: '/m/a.gguf', roles: ['completion', 'chat'], options: loadOptionsFor(D), retry: false },
    ]);
    assert.deepEqual(planReload([], wanted('/m/a.gguf', '')).map((a) => a.kind === 'load' && a.roles), [['completion']]);
    assert.deepEqual(planReload([], wanted('', '')), []);
  });

  it('leaves a model loaded with the options wanted alone', () => {
    assert.deepEqual(planReload([loaded('/m/a.gguf')], wanted('/m/a.gguf', '/m/a.gguf')), []);
    // A completion window below the chat one does not change what the engine gets.
    assert.deepEqual(planReload([loaded('/m/a.gguf')], wanted('/m/a.gguf', '/m/a.gguf', { ...D, completionContextTokens: 2048 })), []);
  });

  it('reloads every model whose options changed, naming the settings', () => {
    const now = { ...D, threads: 1 };
    const plan = planReload([loaded('/m/a.gguf'), loaded('/m/b.gguf')], wanted('/m/a.gguf', '/m/b.gguf', now));
    assert.deepEqual(plan, [
      { kind: 'reload', path: '/m/a.gguf', roles: ['completion'], options: loadOptionsFor(now), previous: loadOptionsFor(D), changed: ['threads'] },
      { kind: 'reload', path: '/m/b.gguf', roles: ['chat'], options: loadOptionsFor(now), previous: loadOptionsFor(D), changed: ['threads'] },
    ]);
    const ctx = planReload([loaded('/m/a.gguf')], wanted('/m/a.gguf', '/m/a.gguf', { ...D, chatContextTokens: 8192 }));
    assert.deepEqual(ctx.map((a) => a.kind === 'reload' && [a.changed, a.options.contextTokens]), [[['chatContextTokens'], 8192]]);
  });

  it('drops models no role uses, before loading new ones', () => {
    const plan = planReload([loaded('/m/old.gguf')], wanted('/m/new.gguf', '/m/new.gguf'));
    assert.deepEqual(plan.map((a) => `${a.kind} ${a.path}`), ['drop /m/old.gguf', 'load /m/new.gguf']);
  });

  it('unloads a model a lower hearth.maxModelMemoryMB no longer allows, and does not reload it', () => {
    const plan = planReload([loaded('/m/a.gguf', D, 3 * GB)], wanted('/m/a.gguf', '', { ...D, threads: 1, maxModelMemoryMB: 2048 }, { maxBytes: 2 * GB }));
    assert.deepEqual(plan, [{ kind: 'unload', path: '/m/a.gguf', roles: ['completion'], sizeBytes: 3 * GB, maxBytes: 2 * GB }]);
  });

  it('retries a failed model when the settings changed since, not when they are the same', () => {
    assert.deepEqual(planReload([failed('/m/a.gguf')], wanted('/m/a.gguf', '')), []);
    const raised = { ...D, maxModelMemoryMB: 8192 };
    assert.deepEqual(planReload([failed('/m/a.gguf')], wanted('/m/a.gguf', '', raised)).map((a) => a.kind === 'load' && a.retry), [true]);
  });

  it('does not try again settings a reload already failed with (it runs with the previous ones)', () => {
    const bad = { ...D, backend: 'cuda' as const };
    const slot: SlotState = { ...loaded('/m/a.gguf'), failedWith: bad };
    assert.deepEqual(planReload([slot], wanted('/m/a.gguf', '', bad)), []);
    const next = planReload([slot], wanted('/m/a.gguf', '', { ...bad, threads: 1 }));
    assert.deepEqual(next.map((a) => a.kind === 'reload' && a.changed), [['threads', 'backend']]);
  });

  it('Restart Engine (force) loads every configured model afresh, failed or not', () => {
    const plan = planReload([loaded('/m/a.gguf'), failed('/m/b.gguf')], wanted('/m/a.gguf', '/m/b.gguf', D, { force: true }));
    assert.deepEqual(plan.map((a) => `${a.kind} ${a.path}`), ['reload /m/a.gguf', 'load /m/b.gguf']);
    assert.deepEqual(plan[0].kind === 'reload' && plan[0].changed, []);
  });

  it('says what happens in words that name the setting', () => {
    assert.equal(reloadTitle('/m/a.gguf', ['threads', 'chatContextTokens']), 'Hearth: reloading a.gguf (hearth.threads, hearth.chat.contextTokens changed)');
    assert.equal(reloadTitle('/m/a.gguf', []), 'Hearth: restarting the engine for a.gguf');
    assert.equal(
      reloadFailedKeptPrevious('/m/a.gguf', { ...D, backend: 'cuda' }, ['backend'], 'CUDA: not built (no nvcc when this addon was compiled).'),
      'Hearth could not load a.gguf with hearth.backend = "cuda": CUDA: not built (no nvcc when this addon was compiled). It runs with the previous settings until you change it.',
    );
    assert.match(reloadFailed('/m/a.gguf', { ...D, threads: 8 }, ['threads'], 'boom'), /^Hearth could not load a\.gguf with hearth\.threads = 8: boom\.$/);
    assert.match(unloadedTooBig('/m/a.gguf', 3 * GB, 2 * GB), /a\.gguf \(3\.0 GiB\) is larger than the 2\.0 GiB hearth\.maxModelMemoryMB now allows, so Hearth unloaded it/);
    assert.match(waitingForChat('/m/a.gguf'), /a\.gguf when the chat answer in progress ends/);
  });
});

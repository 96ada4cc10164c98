/**
 * The engine settings as checked before a load: usable values pass, a bad
 * one is named with what it must be and keeps the value in use, and only the
 * settings that change what a model is loaded with count as changed.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  changedLoadSettings, checkEngineSettings, DEFAULT_ENGINE_SETTINGS, describeLoadOptions, describeSettings, ENGINE_SETTING_NAMES,
  loadOptionsFor, maxModelBytes, RELOAD_SETTINGS, type EngineSettings,
} from '../../extension/models/engine-settings';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
};

describe('engine settings: checked values, load options, what changed', () => {
  it('names settings that exist, with package.json\'s defaults', () => {
    const props = manifest.contributes.configuration.properties;
    for (const name of RELOAD_SETTINGS) assert.ok(props[name], `${name} is not in package.json`);
    for (const [key, name] of Object.entries(ENGINE_SETTING_NAMES)) {
      assert.deepEqual(props[name].default, DEFAULT_ENGINE_SETTINGS[key as keyof EngineSettings], `${name} default`);
    }
  });

  it('takes usable values as they are; unset ones are the defaults', () => {
    const { settings, problems } = checkEngineSettings({ threads: 3, backend: 'vulkan', gpuLayers: '12', chatContextTokens: 8192, maxModelMemoryMB: 1500.5 });
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, { threads: 3, backend: 'vulkan', gpuLayers: 12, completionContextTokens: 1024, chatContextTokens: 8192, maxModelMemoryMB: 1500.5 });
    assert.equal(checkEngineSettings({ gpuLayers: 'all' }).settings.gpuLayers, 'all');
    assert.equal(checkEngineSettings({ gpuLayers: 0 }).settings.gpuLayers, 0);
  });

  it('names each bad value, what it must be, and keeps the value in use', () => {
    const inUse: EngineSettings = { ...DEFAULT_ENGINE_SETTINGS, threads: 2, backend: 'cpu', chatContextTokens: 2048 };
    const bad = { threads: -1, backend: 'metal', gpuLayers: 'many', completionContextTokens: 1.5, chatContextTokens: 100, maxModelMemoryMB: 'lots' };
    const { settings, problems } = checkEngineSettings(bad, inUse);
    assert.deepEqual(settings, inUse);
    assert.deepEqual(problems.map((p) => p.key).sort(), Object.keys(bad).sort());
    const msg = (k: string): string => problems.find((p) => p.key === k)?.message ?? '';
    assert.match(msg('threads'), /^Hearth did not apply hearth\.threads = -1: it must be a whole number from 0 to 4096 \(0: automatic\)\. It keeps using 2\.$/);
    assert.match(msg('backend'), /hearth\.backend = "metal".*"auto", "cpu", "cuda", "vulkan".*keeps using "cpu"/);
    assert.match(msg('gpuLayers'), /hearth\.gpuLayers = "many".*"auto", "all" or a whole number/);
    assert.match(msg('completionContextTokens'), /hearth\.completion\.contextTokens = 1\.5.*from 128 to 1048576/);
    assert.match(msg('chatContextTokens'), /hearth\.chat\.contextTokens = 100.*from 512.*keeps using 2048/);
    assert.match(msg('maxModelMemoryMB'), /hearth\.maxModelMemoryMB = "lots"/);
    // Beyond the engine's own bounds too.
    assert.equal(checkEngineSettings({ threads: 5000 }).problems.length, 1);
    assert.equal(checkEngineSettings({ gpuLayers: 100_001 }).problems.length, 1);
    assert.equal(checkEngineSettings({ maxModelMemoryMB: Infinity }).problems.length, 1);
  });

  it('loads one window for both roles (the larger), threads 0 as the engine\'s choice', () => {
    assert.deepEqual(loadOptionsFor(DEFAULT_ENGINE_SETTINGS), { contextTokens: 4096, threads: undefined, backend: 'auto', gpuLayers: 'auto' });
    assert.deepEqual(loadOptionsFor({ ...DEFAULT_ENGINE_SETTINGS, threads: 1, completionContextTokens: 8192 }).contextTokens, 8192);
    assert.equal(describeLoadOptions(loadOptionsFor({ ...DEFAULT_ENGINE_SETTINGS, threads: 1 })), 'threads 1, context 4096, backend auto, GPU layers auto');
  });

  it('counts a context setting as changed only when the window the engine gets changes', () => {
    const base = DEFAULT_ENGINE_SETTINGS;
    assert.deepEqual(changedLoadSettings(base, { ...base, completionContextTokens: 2048 }), []);
    assert.deepEqual(changedLoadSettings(base, { ...base, completionContextTokens: 8192 }), ['completionContextTokens']);
    assert.deepEqual(changedLoadSettings(base, { ...base, chatContextTokens: 2048 }), ['chatContextTokens']);
    assert.deepEqual(changedLoadSettings(base, { ...base, threads: 1, backend: 'cpu', gpuLayers: 0 }), ['threads', 'backend', 'gpuLayers']);
    // The memory limit decides whether a model may load, not how: not a reload.
    assert.deepEqual(changedLoadSettings(base, { ...base, maxModelMemoryMB: 10 }), []);
    assert.equal(describeSettings({ ...base, threads: 1, backend: 'cuda' }, ['threads', 'backend']), 'hearth.threads = 1, hearth.backend = "cuda"');
  });

  it('limits model files to hearth.maxModelMemoryMB, or 60% of memory', () => {
    assert.equal(maxModelBytes({ ...DEFAULT_ENGINE_SETTINGS, maxModelMemoryMB: 100 }, 1e12), 100 * 1024 * 1024);
    assert.equal(maxModelBytes(DEFAULT_ENGINE_SETTINGS, 1000), 600);
  });
});

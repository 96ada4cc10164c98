/**
 * Where Hearth writes settings: the toggle writes the scope that defines the
 * value in effect; "Select Model" writes the per-role setting picked, or
 * hearth.model with the per-role settings that would override it cleared.
 */
import { strict as assert } from 'assert';
import { definingScope, effectiveValue } from '../../extension/settings-scope';
import { roleItems, roleSettingWrites } from '../../extension/models/role-settings';

describe('setting writes: toggle scope and model roles', () => {
  it('writes where the value in effect is defined', () => {
    assert.equal(definingScope(undefined, false), 'global');
    assert.equal(definingScope({ defaultValue: true }, false), 'global');
    assert.equal(definingScope({ defaultValue: true, globalValue: false }, false), 'global');
    assert.equal(definingScope({ globalValue: true, workspaceValue: false }, false), 'workspace');
    assert.equal(definingScope({ globalValue: true, workspaceValue: false, workspaceFolderValue: true }, true), 'workspaceFolder');
    // A single-folder window: the folder's settings are the workspace's.
    assert.equal(definingScope({ workspaceFolderValue: false }, false), 'workspace');
    assert.equal(effectiveValue({ defaultValue: true, globalValue: false }, true), false);
    assert.equal(effectiveValue({ defaultValue: true, globalValue: true, workspaceValue: false }, true), false);
    assert.equal(effectiveValue({ workspaceValue: false, workspaceFolderValue: true }, false), true);
    assert.equal(effectiveValue(undefined, true), true);
  });

  it('writes the role\'s own setting, or hearth.model clearing the per-role ones that would override it', () => {
    const none = { model: '/m/old.gguf', completionModel: '', chatModel: '' };
    assert.deepEqual(roleSettingWrites('completion', '/m/new.gguf', none), [{ key: 'completion.model', value: '/m/new.gguf' }]);
    assert.deepEqual(roleSettingWrites('chat', '/m/new.gguf', none), [{ key: 'chat.model', value: '/m/new.gguf' }]);
    assert.deepEqual(roleSettingWrites('both', '/m/new.gguf', none), [{ key: 'model', value: '/m/new.gguf' }]);
    assert.deepEqual(roleSettingWrites('both', '/m/new.gguf', { model: '', completionModel: '/m/fim.gguf', chatModel: '/m/chat.gguf' }), [
      { key: 'model', value: '/m/new.gguf' },
      { key: 'completion.model', value: undefined },
      { key: 'chat.model', value: undefined },
    ]);
  });

  it('asks for the role showing the model each uses now and what the choice writes', () => {
    const items = roleItems({ model: '/m/base.gguf', completionModel: '/m/fim.gguf', chatModel: '' });
    assert.deepEqual(items.map((i) => i.choice), ['both', 'completion', 'chat']);
    assert.equal(items[0].description, 'now: fim.gguf / base.gguf');
    assert.match(items[0].detail, /Sets hearth\.model and clears hearth\.completion\.model$/);
    assert.equal(items[1].description, 'now: fim.gguf');
    assert.equal(items[2].description, 'now: base.gguf');
    assert.equal(roleItems({ model: '', completionModel: '', chatModel: '' })[0].description, 'now: none');
  });
});

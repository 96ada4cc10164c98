/**
 * Workspace trust: Hearth declares limited support for untrusted workspaces,
 * and there the workspace's own settings that name files (model paths) are
 * ignored, so a cloned repository's .vscode/settings.json cannot make the
 * engine open a file of its choosing. VS Code enforces
 * restrictedConfigurations; the config reader checks isTrusted as well. Every
 * setting has a scope.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { useFakeVscode } from '../extension/helpers/with-fake-vscode';
import { REPO_ROOT } from '../helpers/fixtures';
import type * as FakeVscode from '../extension/helpers/fake-vscode';

interface Manifest {
  capabilities?: { untrustedWorkspaces?: { supported: unknown; description?: string; restrictedConfigurations?: string[] } };
  contributes: { configuration: { properties: Record<string, { scope?: string; type?: unknown }> } };
}
const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;

describe('workspace trust (host)', () => {
  let vscode: typeof FakeVscode;
  let config: typeof import('../../extension/config');
  before(() => {
    /* eslint-disable @typescript-eslint/no-require-imports */
    vscode = useFakeVscode();
    config = require('../../extension/config');
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  after(() => {
    vscode.resetFake();
    vscode.workspace.isTrusted = true;
    for (const k of ['hearth.model', 'hearth.chat.model', 'hearth.completion.model']) {
      vscode.recorded.settings.delete(k);
      vscode.recorded.workspaceSettings.delete(k);
    }
  });

  it('declares limited untrusted-workspace support restricting exactly the settings the config reader guards', () => {
    const u = manifest.capabilities?.untrustedWorkspaces;
    assert.ok(u, 'package.json has no capabilities.untrustedWorkspaces');
    assert.equal(u.supported, 'limited');
    assert.ok((u.description ?? '').length > 20);
    assert.deepEqual([...(u.restrictedConfigurations ?? [])].sort(), config.RESTRICTED_SETTINGS.map((k) => `hearth.${k}`).sort());
    for (const k of u.restrictedConfigurations ?? []) assert.ok(manifest.contributes.configuration.properties[k], `${k} is not a setting`);
  });

  it('gives every setting a scope: machine for model paths, threads and hardware', () => {
    const props = manifest.contributes.configuration.properties;
    for (const [key, p] of Object.entries(props)) {
      assert.ok(['application', 'machine', 'machine-overridable', 'window', 'resource', 'language-overridable'].includes(p.scope ?? ''), `${key} has scope ${p.scope}`);
    }
    for (const key of ['hearth.model', 'hearth.completion.model', 'hearth.chat.model', 'hearth.threads']) assert.equal(props[key].scope, 'machine', key);
  });

  it('in an untrusted workspace the workspace-level model paths are ignored; the user\'s apply', () => {
    vscode.recorded.settings.set('hearth.model', '/home/me/models/mine.gguf');
    vscode.recorded.workspaceSettings.set('hearth.model', '/tmp/evil/payload.gguf');
    vscode.recorded.workspaceSettings.set('hearth.chat.model', '/tmp/evil/chat.gguf');
    vscode.recorded.workspaceSettings.set('hearth.completion.model', '/dev/zero');
    vscode.workspace.isTrusted = false;
    let c = config.readConfig();
    assert.equal(c.model, '/home/me/models/mine.gguf');
    assert.equal(c.chatModel, '');
    assert.equal(c.completionModel, '');
    assert.equal(config.modelPathFor(c, 'chat'), '/home/me/models/mine.gguf');
    vscode.workspace.isTrusted = true;
    c = config.readConfig();
    assert.equal(c.model, '/tmp/evil/payload.gguf');
    assert.equal(c.chatModel, '/tmp/evil/chat.gguf');
  });
});

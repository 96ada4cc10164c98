/**
 * "Toggle Inline Completions" (and the status bar item): flips
 * hearth.completion.enabled where the value in effect for the active file is
 * defined (its folder, the workspace, or the user settings), so a workspace
 * value does not make the toggle do nothing.
 */
import * as vscode from 'vscode';
import { definingScope, effectiveValue, type WriteScope } from '../settings-scope';

const TARGETS: Record<WriteScope, vscode.ConfigurationTarget> = {
  global: vscode.ConfigurationTarget.Global,
  workspace: vscode.ConfigurationTarget.Workspace,
  workspaceFolder: vscode.ConfigurationTarget.WorkspaceFolder,
};

/** The resource whose settings count: the active file, else the first workspace folder. */
export function activeScope(): vscode.Uri | undefined {
  return vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
}

export async function toggleCompletions(): Promise<void> {
  const c = vscode.workspace.getConfiguration('hearth', activeScope());
  const v = c.inspect<boolean>('completion.enabled');
  const target = definingScope(v, vscode.workspace.workspaceFile !== undefined);
  await c.update('completion.enabled', !effectiveValue(v, true), TARGETS[target]);
}

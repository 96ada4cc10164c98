/**
 * Applies settings as they change: a change to a model path or an engine
 * setting (RELOAD_SETTINGS) asks the model manager to apply the settings, once
 * the edits have settled, so typing "4096" into the settings editor reloads
 * once rather than at "4", "40" and "409", and "Select Model" writing several
 * settings reloads once.
 */
import * as vscode from 'vscode';
import { RELOAD_SETTINGS } from './engine-settings';

export const SETTLE_MS = 600;

export function watchEngineSettings(models: { applySettings(): Promise<void> }, settleMs = SETTLE_MS): vscode.Disposable {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const sub = vscode.workspace.onDidChangeConfiguration((e) => {
    if (!RELOAD_SETTINGS.some((s) => e.affectsConfiguration(s))) return;
    clearTimeout(timer);
    timer = setTimeout(() => void models.applySettings(), settleMs);
  });
  return {
    dispose: () => {
      clearTimeout(timer);
      sub.dispose();
    },
  };
}

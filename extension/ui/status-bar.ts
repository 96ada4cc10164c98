/**
 * Two status bar items: the model with its state and speed (click: engine
 * status), and the completions toggle, which also shows a completion being
 * computed and how long the last one took.
 */
import * as vscode from 'vscode';
import type { ModelManager } from '../models/model-manager';
import { readConfig } from '../config';
import { activeScope } from '../commands/toggle-completions';

const ICONS: Record<string, string> = {
  ready: '$(flame)',
  busy: '$(sync~spin)',
  loading: '$(loading~spin)',
  starting: '$(loading~spin)',
  restarting: '$(debug-restart)',
  failed: '$(error)',
  error: '$(error)',
  'no-model': '$(circle-slash)',
  idle: '$(flame)',
};

/** What the completions item shows. */
export interface CompletionStatus {
  enabled: boolean;
  busy: boolean;
  /** Milliseconds the last completion took, once one has finished. */
  lastMs?: number;
}

export function completionStatusView(s: CompletionStatus): { text: string; tooltip: string } {
  if (!s.enabled) return { text: '$(circle-slash) Hearth', tooltip: 'Hearth completions are off (click to turn on)' };
  const last = s.lastMs === undefined ? '' : `\nLast completion: ${Math.round(s.lastMs)} ms`;
  const tooltip = `Hearth completions are on (click to turn off)${last}`;
  if (s.busy) return { text: '$(loading~spin) Hearth', tooltip: `Hearth is computing a completion…${last}` };
  if (s.lastMs === undefined) return { text: '$(pass-filled) Hearth', tooltip };
  return { text: `$(pass-filled) Hearth · ${Math.round(s.lastMs)} ms`, tooltip };
}

/** A busy state with no end reported (a lost event) clears itself after this long. */
export const BUSY_TIMEOUT_MS = 30_000;

export class StatusBar implements vscode.Disposable {
  private readonly model = vscode.window.createStatusBarItem('hearth.model', vscode.StatusBarAlignment.Right, 100);
  private readonly toggle = vscode.window.createStatusBarItem('hearth.toggle', vscode.StatusBarAlignment.Right, 99);
  private readonly subs: vscode.Disposable[] = [];
  private busy = false;
  private lastMs: number | undefined;
  private busyTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly models: ModelManager) {
    this.model.name = 'Hearth model';
    this.model.command = 'hearth.showEngineStatus';
    this.toggle.name = 'Hearth completions';
    this.toggle.command = 'hearth.toggleCompletions';
    this.subs.push(
      models.onDidChange(() => void this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('hearth') && void this.update()),
      // hearth.completion.enabled can differ per workspace folder: show the active file's.
      vscode.window.onDidChangeActiveTextEditor(() => this.renderCompletion()),
    );
    void this.update();
    this.model.show();
    this.toggle.show();
  }

  async update(): Promise<void> {
    const st = await this.models.status('completion');
    const tps = st.tokensPerSecond ? ` · ${st.tokensPerSecond.toFixed(0)} tok/s` : '';
    const where = st.compute ? ` · ${st.compute.split(' ')[0]}` : '';
    this.model.text = `${ICONS[st.state] ?? '$(flame)'} ${st.model ?? 'Hearth: no model'}${where}${tps}`;
    this.model.tooltip = `Hearth ${st.state}: ${st.detail}`;
    this.renderCompletion();
  }

  /**
   * A completion started (busy) or ended (not busy; `lastMs`: how long it
   * took, when it produced one). Called from the completion pipeline's onBusy.
   */
  completionBusy(busy: boolean, lastMs?: number): void {
    this.busy = busy;
    if (lastMs !== undefined && Number.isFinite(lastMs) && lastMs >= 0) this.lastMs = lastMs;
    clearTimeout(this.busyTimer);
    this.busyTimer = undefined;
    if (busy) {
      this.busyTimer = setTimeout(() => this.completionBusy(false), BUSY_TIMEOUT_MS);
      this.busyTimer.unref?.();
    }
    this.renderCompletion();
  }

  private renderCompletion(): void {
    const view = completionStatusView({ enabled: readConfig(activeScope()).completionEnabled, busy: this.busy, lastMs: this.lastMs });
    this.toggle.text = view.text;
    this.toggle.tooltip = view.tooltip;
  }

  dispose(): void {
    clearTimeout(this.busyTimer);
    this.model.dispose();
    this.toggle.dispose();
    for (const s of this.subs) s.dispose();
  }
}

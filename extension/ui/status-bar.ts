/**
 * Two status bar items: the model with its state and speed (click: engine
 * status), and the completions toggle.
 */
import * as vscode from 'vscode';
import type { ModelManager } from '../models/model-manager';
import { readConfig } from '../config';

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

export class StatusBar implements vscode.Disposable {
  private readonly model = vscode.window.createStatusBarItem('hearth.model', vscode.StatusBarAlignment.Right, 100);
  private readonly toggle = vscode.window.createStatusBarItem('hearth.toggle', vscode.StatusBarAlignment.Right, 99);
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly models: ModelManager) {
    this.model.name = 'Hearth model';
    this.model.command = 'hearth.showEngineStatus';
    this.toggle.name = 'Hearth completions';
    this.toggle.command = 'hearth.toggleCompletions';
    this.subs.push(models.onDidChange(() => void this.update()), vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('hearth') && void this.update()));
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
    const on = readConfig().completionEnabled;
    this.toggle.text = on ? '$(pass-filled) Hearth' : '$(circle-slash) Hearth';
    this.toggle.tooltip = on ? 'Hearth completions are on (click to turn off)' : 'Hearth completions are off (click to turn on)';
  }

  dispose(): void {
    this.model.dispose();
    this.toggle.dispose();
    for (const s of this.subs) s.dispose();
  }
}

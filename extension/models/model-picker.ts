/**
 * "Hearth: Select Model": first for which role (completions and chat,
 * completions, chat), then a QuickPick of the models found on this machine,
 * each described from its GGUF header (architecture, parameters, FIM, size),
 * plus "Browse…". The pick is written to that role's setting
 * (role-settings.ts); the settings watcher loads it.
 */
import * as vscode from 'vscode';
import * as os from 'os';
import { discoverModels, type DiscoveredModel } from './discovery';
import { peekGguf } from '../host/gguf-peek';
import { SUPPORTED_ARCHITECTURES, formatBytes, formatParams } from './model-check';
import { roleItems, roleSettingWrites, type RoleChoice } from './role-settings';
import { readConfig } from '../config';

interface ModelItem extends vscode.QuickPickItem {
  modelPath?: string;
  browse?: boolean;
  /** Why Hearth cannot run it; picking it says so instead of writing a setting. */
  why?: string;
  fim?: boolean;
}

/** How the picker shows a found model; `why` says what stops Hearth running it (empty when it can). */
export function describeModel(m: DiscoveredModel): { description: string; detail: string; usable: boolean; fim: boolean; why: string } {
  try {
    const s = peekGguf(m.path);
    const why = !SUPPORTED_ARCHITECTURES.has(s.architecture)
      ? `Hearth does not run "${s.architecture}" models (it runs ${[...SUPPORTED_ARCHITECTURES].join(', ')})`
      : s.parameters === 0 ? 'the file has no weights (a vocabulary-only GGUF)' : '';
    const parts = [s.architecture, s.parameters ? `${formatParams(s.parameters)} params` : 'no weights', m.format === 'llamafile' ? 'llamafile' : `GGUF v${s.version}`, formatBytes(m.sizeBytes), s.fim ? `FIM: ${s.fim}` : 'no FIM (chat only)'];
    return { description: m.source, detail: why ? `cannot run: ${why}` : parts.join(' · '), usable: !why, fim: !!s.fim, why };
  } catch (err) {
    const why = `unreadable: ${(err as Error).message}`;
    return { description: m.source, detail: `${formatBytes(m.sizeBytes)} · ${why}`, usable: false, fim: false, why };
  }
}

export function discoverHere(): DiscoveredModel[] {
  return discoverModels({
    home: os.homedir(),
    env: process.env,
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
  });
}

/** Asks for which role a model is picked; undefined: dismissed. */
async function pickRole(): Promise<RoleChoice | undefined> {
  const pick = await vscode.window.showQuickPick(roleItems(readConfig()), { placeHolder: 'Select a model for…', matchOnDetail: true });
  return pick?.choice;
}

const ROLE_PLACEHOLDER: Record<RoleChoice, string> = { both: 'completions and chat', completion: 'inline completions', chat: 'chat and edits' };

/** The whole command: role, model, then the settings written (Global: these settings are machine-scoped). Returns the model chosen. */
export async function selectModel(): Promise<string | undefined> {
  const role = await pickRole();
  if (!role) return undefined;
  const found = discoverHere();
  // Models Hearth can run first; the others stay listed, greyed by their icon, with the reason.
  const described = found.map((m) => ({ m, d: describeModel(m) })).sort((a, b) => Number(b.d.usable) - Number(a.d.usable));
  const items: ModelItem[] = described.map(({ m, d }) => ({
    label: `${d.usable ? '$(check)' : '$(circle-slash)'} ${m.label}`, description: d.description, detail: d.detail, modelPath: m.path,
    why: d.why, fim: d.fim,
  }));
  items.push({ label: '$(folder-opened) Browse for a .gguf or .llamafile…', browse: true });
  const pick = await vscode.window.showQuickPick(items, {
    placeHolder: found.length ? `Model for ${ROLE_PLACEHOLDER[role]}: found on this machine (${found.length})` : `Model for ${ROLE_PLACEHOLDER[role]}: none found in the usual places, browse for one`,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!pick) return undefined;
  if (pick.why) {
    void vscode.window.showErrorMessage(`Hearth cannot use ${pick.modelPath}: ${pick.why}. Nothing was changed.`);
    return undefined;
  }
  if (pick.modelPath && pick.fim === false && role !== 'chat') {
    void vscode.window.showWarningMessage('This model has no fill-in-the-middle tokens: inline completions will only continue the text before the cursor, without seeing what follows it. For completions pick a code model with FIM, such as Qwen2.5-Coder or Qwen3-Coder, StarCoder2, CodeGemma or DeepSeek-Coder.');
  }
  let chosen = pick.modelPath;
  if (pick.browse) {
    const uris = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Models: ['gguf', 'llamafile'] }, openLabel: 'Use this model' });
    chosen = uris?.[0]?.fsPath;
  }
  if (!chosen) return undefined;
  const c = vscode.workspace.getConfiguration('hearth');
  for (const w of roleSettingWrites(role, chosen, readConfig())) await c.update(w.key, w.value, vscode.ConfigurationTarget.Global);
  return chosen;
}

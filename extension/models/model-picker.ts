/**
 * "Hearth: Select Model": first for which role (completions and chat,
 * completions, chat), then a QuickPick of the models found on this machine,
 * each described from its GGUF header (architecture, parameters, FIM, size),
 * plus "Browse…". The pick is written to that role's setting
 * (role-settings.ts); the settings watcher loads it.
 */
import * as vscode from 'vscode';
import * as os from 'os';
import { discoverOffThread, type DescribedModel } from './discover-off-thread';
import { roleItems, roleSettingWrites, type RoleChoice } from './role-settings';
import { readConfig } from '../config';
import { FIM_MODEL_EXAMPLES } from '../engine/fim';

interface ModelItem extends vscode.QuickPickItem {
  modelPath?: string;
  browse?: boolean;
  /** Why Hearth cannot run it; picking it says so instead of writing a setting. */
  why?: string;
  fim?: boolean;
}

/** The models on this machine, described; found in a worker thread. */
export function discoverHere(): Promise<DescribedModel[]> {
  return discoverOffThread({
    home: os.homedir(),
    env: { ...process.env },
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
  const browse: ModelItem = { label: '$(folder-opened) Browse for a .gguf or .llamafile…', browse: true };
  // The picker opens at once, busy, while a worker thread looks (the folders
  // can be large or slow); a failed search still leaves Browse.
  const items = discoverHere().then(
    (found) => {
      // Models Hearth can run first; the others stay listed, greyed by their icon, with the reason.
      const rows: ModelItem[] = [...found].sort((a, b) => Number(b.d.usable) - Number(a.d.usable)).map(({ m, d }) => ({
        label: `${d.usable ? '$(check)' : '$(circle-slash)'} ${m.label}`, description: d.description, detail: d.detail, modelPath: m.path,
        why: d.why, fim: d.fim,
      }));
      return [...rows, browse];
    },
    (err: Error) => [{ ...browse, detail: `Could not look for models: ${err.message}` }],
  );
  const pick = await vscode.window.showQuickPick(items, {
    placeHolder: `Model for ${ROLE_PLACEHOLDER[role]}: models found on this machine, or browse for one`,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!pick) return undefined;
  if (pick.why) {
    void vscode.window.showErrorMessage(`Hearth cannot use ${pick.modelPath}: ${pick.why}. Nothing was changed.`);
    return undefined;
  }
  if (pick.modelPath && pick.fim === false && role !== 'chat') {
    void vscode.window.showWarningMessage(`This model has no fill-in-the-middle tokens, so Hearth will not use it for inline completions. For completions pick a code model with FIM: ${FIM_MODEL_EXAMPLES}.`);
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

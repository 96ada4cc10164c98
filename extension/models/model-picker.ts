/**
 * "Hearth: Select Model": a QuickPick of the models found on this machine,
 * each described from its GGUF header (architecture, parameters, FIM, size),
 * plus "Browse…". The pick is written to hearth.model (or the role's setting).
 */
import * as vscode from 'vscode';
import * as os from 'os';
import { discoverModels, type DiscoveredModel } from './discovery';
import { peekGguf } from './gguf-peek';
import { SUPPORTED_ARCHITECTURES, formatBytes, formatParams } from './model-check';

interface ModelItem extends vscode.QuickPickItem {
  modelPath?: string;
  browse?: boolean;
}

export function describeModel(m: DiscoveredModel): { description: string; detail: string; usable: boolean } {
  try {
    const s = peekGguf(m.path);
    const usable = SUPPORTED_ARCHITECTURES.has(s.architecture) && s.parameters > 0;
    const parts = [s.architecture, s.parameters ? `${formatParams(s.parameters)} params` : 'no weights', m.format === 'llamafile' ? 'llamafile' : `GGUF v${s.version}`, formatBytes(m.sizeBytes), s.fim ? `FIM: ${s.fim}` : 'no FIM (chat only)'];
    return { description: m.source, detail: `${parts.join(' · ')}${usable ? '' : ' · not supported'}`, usable };
  } catch (err) {
    return { description: m.source, detail: `${formatBytes(m.sizeBytes)} · unreadable: ${(err as Error).message}`, usable: false };
  }
}

export function discoverHere(): DiscoveredModel[] {
  return discoverModels({
    home: os.homedir(),
    env: process.env,
    workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
  });
}

export async function selectModel(setting: 'model' | 'completion.model' | 'chat.model' = 'model'): Promise<string | undefined> {
  const found = discoverHere();
  const items: ModelItem[] = found.map((m) => {
    const d = describeModel(m);
    return { label: `${d.usable ? '$(check)' : '$(warning)'} ${m.label}`, description: d.description, detail: d.detail, modelPath: m.path };
  });
  items.push({ label: '$(folder-opened) Browse for a .gguf or .llamafile…', browse: true });
  const pick = await vscode.window.showQuickPick(items, {
    placeHolder: found.length ? `Models found on this machine (${found.length})` : 'No models found in the usual places: browse for one',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!pick) return undefined;
  let chosen = pick.modelPath;
  if (pick.browse) {
    const uris = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Models: ['gguf', 'llamafile'] }, openLabel: 'Use this model' });
    chosen = uris?.[0]?.fsPath;
  }
  if (!chosen) return undefined;
  await vscode.workspace.getConfiguration('hearth').update(setting, chosen, vscode.ConfigurationTarget.Global);
  return chosen;
}

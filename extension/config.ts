/** Typed view of the `hearth.*` settings. */
import * as vscode from 'vscode';
import * as os from 'os';
import { clampOtherFilesShare, OTHER_FILES_SHARE } from './completion/other-files-share';

export interface HearthConfig {
  model: string;
  completionModel: string;
  chatModel: string;
  completionEnabled: boolean;
  completionLanguages: Record<string, boolean>;
  completionContextTokens: number;
  completionMaxTokens: number;
  completionMaxLines: number;
  completionTimeBudgetMs: number;
  completionMaxFileBytes: number;
  completionAlternatives: number;
  completionAlternativeTemperature: number;
  completionOtherFiles: boolean;
  /** Share of the completion window for other files' snippets, 0–0.5 (0: none). */
  completionOtherFilesShare: number;
  completionSpliceDrift: number;
  chatContextTokens: number;
  chatReplyTokens: number;
  maxModelBytes: number;
  threads: number;
  backend: 'auto' | 'cpu' | 'cuda' | 'vulkan';
  gpuLayers: 'auto' | 'all' | number;
}

/**
 * Settings that name files the engine opens: in an untrusted workspace only
 * the user's own value counts. VS Code already drops workspace values of
 * package.json's restrictedConfigurations (the same keys; a test keeps the two
 * lists equal); this is the second guard, should that ever not apply.
 */
export const RESTRICTED_SETTINGS = ['model', 'completion.model', 'chat.model'] as const;

function restrictedString(c: vscode.WorkspaceConfiguration, key: (typeof RESTRICTED_SETTINGS)[number]): string {
  if (vscode.workspace.isTrusted !== false) return c.get<string>(key, '').trim();
  const v = c.inspect<string>(key);
  const user = v?.globalValue ?? v?.defaultValue ?? '';
  return typeof user === 'string' ? user.trim() : '';
}

function gpuLayersSetting(v: unknown): 'auto' | 'all' | number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && /^[0-9]{1,9}$/.test(v.trim())) return Number(v.trim());
  return v === 'all' ? 'all' : 'auto';
}

export function readConfig(): HearthConfig {
  const c = vscode.workspace.getConfiguration('hearth');
  const maxMb = c.get<number>('maxModelMemoryMB', 0);
  return {
    model: restrictedString(c, 'model'),
    completionModel: restrictedString(c, 'completion.model'),
    chatModel: restrictedString(c, 'chat.model'),
    completionEnabled: c.get<boolean>('completion.enabled', true),
    completionLanguages: c.get<Record<string, boolean>>('completion.languages', {}),
    completionContextTokens: c.get<number>('completion.contextTokens', 1024),
    completionMaxTokens: c.get<number>('completion.maxTokens', 128),
    completionMaxLines: c.get<number>('completion.maxLines', 8),
    completionTimeBudgetMs: c.get<number>('completion.timeBudgetMs', 1500),
    completionMaxFileBytes: c.get<number>('completion.maxFileKB', 1024) * 1024,
    completionAlternatives: c.get<number>('completion.alternatives', 1),
    completionAlternativeTemperature: c.get<number>('completion.alternativeTemperature', 0.8),
    completionOtherFiles: c.get<boolean>('completion.otherFiles', true),
    completionOtherFilesShare: clampOtherFilesShare(c.get<unknown>('completion.otherFilesShare', OTHER_FILES_SHARE.default)),
    completionSpliceDrift: Math.max(0, c.get<number>('completion.spliceDrift', 256)),
    chatContextTokens: c.get<number>('chat.contextTokens', 4096),
    chatReplyTokens: c.get<number>('chat.replyTokens', 1024),
    // Default: 60% of RAM, leaving room for the editor and the KV cache.
    maxModelBytes: maxMb > 0 ? maxMb * 1024 * 1024 : Math.floor(os.totalmem() * 0.6),
    threads: c.get<number>('threads', 0),
    backend: (['auto', 'cpu', 'cuda', 'vulkan'] as const).find((b) => b === c.get<string>('backend', 'auto')) ?? 'auto',
    gpuLayers: gpuLayersSetting(c.get<unknown>('gpuLayers', 'auto')),
  };
}

export type ModelRole = 'completion' | 'chat';

/** The model path for a role: the role's own setting, else hearth.model. */
export function modelPathFor(cfg: HearthConfig, role: ModelRole): string {
  return (role === 'completion' ? cfg.completionModel : cfg.chatModel) || cfg.model;
}

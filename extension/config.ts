/** Typed view of the `hearth.*` settings. */
import * as vscode from 'vscode';
import { clampOtherFilesShare, OTHER_FILES_SHARE } from './completion/other-files-share';
import { ENGINE_SETTING_NAMES, type EngineSettingKey } from './models/engine-settings';

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
  /** 0 to 2; 0 is greedy. */
  chatTemperature: number;
  /** Empty: Hearth's own. */
  chatSystemPrompt: string;
}

/**
 * Settings a workspace must not choose while it is untrusted: the files the
 * engine opens, and the chat's instructions to the model (a repository could
 * otherwise tell the model what to write). Only the user's own value counts. VS Code already drops workspace values of
 * package.json's restrictedConfigurations (the same keys; a test keeps the two
 * lists equal); this is the second guard, should that ever not apply.
 */
export const RESTRICTED_SETTINGS = ['model', 'completion.model', 'chat.model', 'chat.systemPrompt'] as const;

function restrictedString(c: vscode.WorkspaceConfiguration, key: (typeof RESTRICTED_SETTINGS)[number]): string {
  if (vscode.workspace.isTrusted !== false) return c.get<string>(key, '').trim();
  const v = c.inspect<string>(key);
  const user = v?.globalValue ?? v?.defaultValue ?? '';
  return typeof user === 'string' ? user.trim() : '';
}

/** A temperature setting as the sampler takes it: a number in 0–2, anything else 0 (greedy). */
export function clampTemperature(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(2, Math.max(0, v)) : 0;
}

/**
 * The settings. `scope` (a document's uri) makes resource settings such as
 * hearth.completion.enabled read that file's workspace folder's value.
 */
export function readConfig(scope?: vscode.ConfigurationScope): HearthConfig {
  const c = vscode.workspace.getConfiguration('hearth', scope);
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
    chatTemperature: clampTemperature(c.get<unknown>('chat.temperature', 0)),
    chatSystemPrompt: restrictedString(c, 'chat.systemPrompt'),
  };
}

/**
 * The engine settings as written (undefined: not set), for
 * models/engine-settings.ts to check: a bad value there is named to the
 * user instead of quietly becoming the default.
 */
export function readEngineSettings(): Partial<Record<EngineSettingKey, unknown>> {
  const c = vscode.workspace.getConfiguration('hearth');
  const raw: Partial<Record<EngineSettingKey, unknown>> = {};
  for (const [key, name] of Object.entries(ENGINE_SETTING_NAMES) as [EngineSettingKey, string][]) raw[key] = c.get<unknown>(name.slice('hearth.'.length));
  return raw;
}

export interface EndpointConfig {
  provider: 'local' | 'endpoint';
  url: string;
  model: string;
}

/**
 * hearth.provider and hearth.endpoint.*: the user's own values only. They are
 * application settings, which VS Code already keeps out of workspaces; read
 * this way too, a cloned repository's settings can never send code to a server.
 */
export function readEndpointConfig(): EndpointConfig {
  const c = vscode.workspace.getConfiguration('hearth');
  const user = (key: string): unknown => c.inspect<unknown>(key)?.globalValue;
  const text = (key: string): string => {
    const v = user(key);
    return typeof v === 'string' ? v.trim() : '';
  };
  return { provider: user('provider') === 'endpoint' ? 'endpoint' : 'local', url: text('endpoint.url'), model: text('endpoint.model') };
}

export type ModelRole = 'completion' | 'chat';

/** The model path for a role: the role's own setting, else hearth.model. */
export function modelPathFor(cfg: HearthConfig, role: ModelRole): string {
  return (role === 'completion' ? cfg.completionModel : cfg.chatModel) || cfg.model;
}

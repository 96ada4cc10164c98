/**
 * Which settings "Select Model" writes for the role picked: a role's own
 * setting (hearth.completion.model / hearth.chat.model), or for both roles
 * hearth.model with the per-role settings cleared, since a per-role value
 * would otherwise keep overriding the pick without a word. No vscode imports.
 */
import * as path from 'path';
import type { ModelRole } from '../config';

export type RoleChoice = 'both' | ModelRole;

/** A setting under `hearth.` and its new value; undefined removes it. */
export interface SettingWrite {
  key: 'model' | 'completion.model' | 'chat.model';
  value: string | undefined;
}

/** The user's values of the model settings (these are machine-scoped: only user settings hold them). */
export interface ModelSettings {
  model: string;
  completionModel: string;
  chatModel: string;
}

export function roleSettingWrites(choice: RoleChoice, modelPath: string, current: ModelSettings): SettingWrite[] {
  if (choice === 'completion') return [{ key: 'completion.model', value: modelPath }];
  if (choice === 'chat') return [{ key: 'chat.model', value: modelPath }];
  const writes: SettingWrite[] = [{ key: 'model', value: modelPath }];
  if (current.completionModel) writes.push({ key: 'completion.model', value: undefined });
  if (current.chatModel) writes.push({ key: 'chat.model', value: undefined });
  return writes;
}

export interface RoleItem {
  choice: RoleChoice;
  label: string;
  /** The model the role uses now. */
  description: string;
  /** The setting it writes. */
  detail: string;
}

/** The first question of "Select Model": for which role, each with the model it uses now. */
export function roleItems(current: ModelSettings): RoleItem[] {
  const name = (p: string): string => (p ? path.basename(p) : 'none');
  const completion = current.completionModel || current.model;
  const chat = current.chatModel || current.model;
  const cleared = [current.completionModel && 'hearth.completion.model', current.chatModel && 'hearth.chat.model'].filter(Boolean);
  return [
    {
      choice: 'both',
      label: 'Completions and chat',
      description: completion === chat ? `now: ${name(completion)}` : `now: ${name(completion)} / ${name(chat)}`,
      detail: `Sets hearth.model${cleared.length ? ` and clears ${cleared.join(' and ')}` : ''}`,
    },
    { choice: 'completion', label: 'Inline completions', description: `now: ${name(completion)}`, detail: 'Sets hearth.completion.model (a base model with fill-in-the-middle tokens suits it best)' },
    { choice: 'chat', label: 'Chat and edits', description: `now: ${name(chat)}`, detail: 'Sets hearth.chat.model (an instruct model suits it best)' },
  ];
}

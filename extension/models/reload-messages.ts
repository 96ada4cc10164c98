/**
 * What the user reads while settings apply: progress titles and the one
 * message per outcome, each naming the setting that caused it. Pure.
 */
import * as path from 'path';
import { describeSettings, ENGINE_SETTING_NAMES, type EngineSettingKey, type EngineSettings } from './engine-settings';
import { formatBytes } from './model-check';

const nameOf = (modelPath: string): string => path.basename(modelPath);

/** Progress title of a reload: which model, and which settings changed (none: a restart). */
export function reloadTitle(modelPath: string, changed: readonly EngineSettingKey[]): string {
  if (changed.length === 0) return `Hearth: restarting the engine for ${nameOf(modelPath)}`;
  return `Hearth: reloading ${nameOf(modelPath)} (${changed.map((k) => ENGINE_SETTING_NAMES[k]).join(', ')} changed)`;
}

/** The reload with the new settings failed; the model runs again with the previous ones. */
export function reloadFailedKeptPrevious(modelPath: string, settings: EngineSettings, changed: readonly EngineSettingKey[], reason: string): string {
  return `Hearth could not load ${nameOf(modelPath)} with ${describeSettings(settings, changed)}: ${trimStop(reason)}. It runs with the previous settings until you change ${changed.length > 1 ? 'them' : 'it'}.`;
}

/** The reload failed, and so did going back to the previous settings: no model for these roles now. */
export function reloadFailed(modelPath: string, settings: EngineSettings, changed: readonly EngineSettingKey[], reason: string): string {
  const which = changed.length ? ` with ${describeSettings(settings, changed)}` : '';
  return `Hearth could not load ${nameOf(modelPath)}${which}: ${trimStop(reason)}.`;
}

/** A lower hearth.maxModelMemoryMB left a loaded model too big. */
export function unloadedTooBig(modelPath: string, sizeBytes: number, maxBytes: number): string {
  return `${nameOf(modelPath)} (${formatBytes(sizeBytes)}) is larger than the ${formatBytes(maxBytes)} ${ENGINE_SETTING_NAMES.maxModelMemoryMB} now allows, so Hearth unloaded it. Raise the setting (0: 60% of this machine's memory) to load it again.`;
}

/** A chat answer is streaming from the model a change would reload: it finishes first. */
export function waitingForChat(modelPath: string): string {
  return `Hearth will apply the new settings to ${nameOf(modelPath)} when the chat answer in progress ends.`;
}

function trimStop(s: string): string {
  return s.trim().replace(/[.\s]+$/, '');
}

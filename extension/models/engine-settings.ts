/**
 * The settings a model load depends on, checked: each value as the user
 * wrote it is either usable or named with why not, and an unusable one keeps
 * the value that was in use, so one typo never unloads a working model. No
 * vscode imports (config.ts reads the raw values).
 */
import type { LoadOptions } from '../host/engine-port';

export interface EngineSettings {
  /** 0: the engine picks (the physical cores). */
  threads: number;
  backend: 'auto' | 'cpu' | 'cuda' | 'vulkan';
  gpuLayers: 'auto' | 'all' | number;
  completionContextTokens: number;
  chatContextTokens: number;
  /** 0: 60% of this machine's memory. */
  maxModelMemoryMB: number;
}

export type EngineSettingKey = keyof EngineSettings;

/** Each engine setting's full name, as the user sees it in package.json. */
export const ENGINE_SETTING_NAMES: Readonly<Record<EngineSettingKey, string>> = {
  threads: 'hearth.threads',
  backend: 'hearth.backend',
  gpuLayers: 'hearth.gpuLayers',
  completionContextTokens: 'hearth.completion.contextTokens',
  chatContextTokens: 'hearth.chat.contextTokens',
  maxModelMemoryMB: 'hearth.maxModelMemoryMB',
};

/** Settings whose change reloads or re-checks models: the engine settings and the model paths. */
export const RELOAD_SETTINGS: readonly string[] = [
  'hearth.model',
  'hearth.completion.model',
  'hearth.chat.model',
  // Switching to the endpoint unloads the local models; switching back loads them.
  'hearth.provider',
  ...Object.values(ENGINE_SETTING_NAMES),
];

/** package.json's defaults. */
export const DEFAULT_ENGINE_SETTINGS: Readonly<EngineSettings> = {
  threads: 0,
  backend: 'auto',
  gpuLayers: 'auto',
  completionContextTokens: 1024,
  chatContextTokens: 4096,
  maxModelMemoryMB: 0,
};

/**
 * Bounds of the numeric settings: package.json's minimums, and the engine's
 * own limits above (extension/engine/int-option.ts: threads, ctx, gpu-layers).
 */
const RANGES = {
  threads: { min: 0, max: 4096 },
  completionContextTokens: { min: 128, max: 1 << 20 },
  chatContextTokens: { min: 512, max: 1 << 20 },
  gpuLayers: { min: 0, max: 100_000 },
} as const;

export interface SettingProblem {
  key: EngineSettingKey;
  /** One sentence naming the setting, what it must be, what it is, and what Hearth uses instead. */
  message: string;
}

const BACKENDS = ['auto', 'cpu', 'cuda', 'vulkan'] as const;

function show(v: unknown): string {
  return typeof v === 'string' ? `"${v}"` : (JSON.stringify(v) ?? String(v));
}

function intIn(v: unknown, r: { min: number; max: number }): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= r.min && v <= r.max ? v : null;
}

/** Why `v` is not a usable value of `key` (null: it is), and the value it means. */
function check(key: EngineSettingKey, v: unknown): { value: EngineSettings[EngineSettingKey] } | { why: string } {
  switch (key) {
    case 'threads':
    case 'completionContextTokens':
    case 'chatContextTokens': {
      const r = RANGES[key];
      const n = intIn(v, r);
      const zero = key === 'threads' ? ' (0: automatic)' : '';
      return n === null ? { why: `must be a whole number from ${r.min} to ${r.max}${zero}` } : { value: n };
    }
    case 'backend': {
      const b = BACKENDS.find((x) => x === v);
      return b ? { value: b } : { why: `must be one of ${BACKENDS.map((x) => `"${x}"`).join(', ')}` };
    }
    case 'gpuLayers': {
      if (v === 'auto' || v === 'all') return { value: v };
      const n = intIn(typeof v === 'string' && /^\s*[0-9]{1,9}\s*$/.test(v) ? Number(v) : v, RANGES.gpuLayers);
      return n === null ? { why: `must be "auto", "all" or a whole number of layers from 0 to ${RANGES.gpuLayers.max}` } : { value: n };
    }
    case 'maxModelMemoryMB':
      return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? { value: v } : { why: 'must be a number of megabytes, 0 or more (0: 60% of this machine\'s memory)' };
  }
}

/**
 * The settings to use: each raw value where it is usable, else the value
 * `inUse` had for it (what the running model was loaded with, or the
 * default), with a problem saying so. An absent (undefined) value is the default.
 */
export function checkEngineSettings(raw: Partial<Record<EngineSettingKey, unknown>>, inUse: EngineSettings = DEFAULT_ENGINE_SETTINGS): { settings: EngineSettings; problems: SettingProblem[] } {
  const settings = { ...DEFAULT_ENGINE_SETTINGS } as Record<EngineSettingKey, unknown>;
  const problems: SettingProblem[] = [];
  for (const key of Object.keys(DEFAULT_ENGINE_SETTINGS) as EngineSettingKey[]) {
    const v = raw[key];
    if (v === undefined) continue;
    const r = check(key, v);
    if ('value' in r) settings[key] = r.value;
    else {
      settings[key] = inUse[key];
      problems.push({ key, message: `Hearth did not apply ${ENGINE_SETTING_NAMES[key]} = ${show(v)}: it ${r.why}. It keeps using ${show(inUse[key])}.` });
    }
  }
  return { settings: settings as unknown as EngineSettings, problems };
}

/** What the engine loads a model with. One engine serves both roles of its model, so its window is the larger of the two. */
export function loadOptionsFor(s: EngineSettings): LoadOptions {
  return {
    contextTokens: Math.max(s.chatContextTokens, s.completionContextTokens),
    threads: s.threads || undefined,
    backend: s.backend,
    gpuLayers: s.gpuLayers,
  };
}

/** The largest model file Hearth agrees to load, bytes. */
export function maxModelBytes(s: EngineSettings, totalMemBytes: number): number {
  // Default: 60% of RAM, leaving room for the editor and the KV cache.
  return s.maxModelMemoryMB > 0 ? Math.floor(s.maxModelMemoryMB * 1024 * 1024) : Math.floor(totalMemBytes * 0.6);
}

/**
 * The settings that differ between two sets and change what a model is
 * loaded with (not the memory limit: that only decides whether it may load).
 * A context setting counts only when the window the engine gets changes.
 */
export function changedLoadSettings(before: EngineSettings, after: EngineSettings): EngineSettingKey[] {
  const out: EngineSettingKey[] = [];
  for (const key of ['threads', 'backend', 'gpuLayers'] as const) if (before[key] !== after[key]) out.push(key);
  if (loadOptionsFor(before).contextTokens !== loadOptionsFor(after).contextTokens) {
    for (const key of ['completionContextTokens', 'chatContextTokens'] as const) if (before[key] !== after[key]) out.push(key);
  }
  return out;
}

/** "hearth.threads = 1, hearth.backend = "cuda"": the settings and their new values, for messages. */
export function describeSettings(s: EngineSettings, keys: readonly EngineSettingKey[]): string {
  return keys.map((k) => `${ENGINE_SETTING_NAMES[k]} = ${show(s[k])}`).join(', ');
}

/** "threads 1, context 4096, backend auto, GPU layers auto": what a model was loaded with (status, log). */
export function describeLoadOptions(o: LoadOptions): string {
  return `threads ${o.threads ?? 'auto'}, context ${o.contextTokens ?? 'model default'}, backend ${o.backend ?? 'auto'}, GPU layers ${o.gpuLayers ?? 'auto'}`;
}

/**
 * Decides what a settings change does to the loaded models: which model to
 * load, reload (with which options, because of which settings), unload (why)
 * or drop, from what each engine holds now and what the settings ask for.
 * Pure: the model manager carries the plan out.
 */
import type { LoadOptions } from '../host/engine-port';
import type { ModelRole } from '../config';
import { changedLoadSettings, loadOptionsFor, type EngineSettingKey, type EngineSettings } from './engine-settings';

/** One engine as the manager holds it (one per model path). */
export interface SlotState {
  /** Resolved model path. */
  path: string;
  /** The settings its model was loaded with; null: no model loaded. */
  loadedWith: EngineSettings | null;
  /** The settings its last load failed with (or that made it unload); null: no failure. */
  failedWith: EngineSettings | null;
  /** Size of the loaded model file, bytes. */
  sizeBytes: number | null;
}

export interface Wanted {
  /** Resolved model path per role; '' where the role has none. */
  paths: Readonly<Record<ModelRole, string>>;
  settings: EngineSettings;
  /** The largest model file allowed now (hearth.maxModelMemoryMB). */
  maxBytes: number;
  /**
   * Load every wanted model afresh, even one loaded with these settings or
   * one that failed with them (Restart Engine, or the first load).
   */
  force?: boolean;
}

export type SlotAction =
  /** No role uses this model any more. */
  | { kind: 'drop'; path: string }
  /** Not loaded: load it (`retry`: it failed before, and the settings changed since). */
  | { kind: 'load'; path: string; roles: ModelRole[]; options: LoadOptions; retry: boolean }
  /** Loaded with other options: load it again with these; `changed` says which settings. */
  | { kind: 'reload'; path: string; roles: ModelRole[]; options: LoadOptions; previous: LoadOptions; changed: EngineSettingKey[] }
  /** Loaded, but the memory limit no longer allows it. */
  | { kind: 'unload'; path: string; roles: ModelRole[]; sizeBytes: number; maxBytes: number };

function sameSettings(a: EngineSettings, b: EngineSettings): boolean {
  return (Object.keys(a) as EngineSettingKey[]).every((k) => a[k] === b[k]);
}

/**
 * The actions that bring `slots` to `wanted`, in the order to run them:
 * drops and unloads first (they free memory), then loads. A model already
 * loaded with the options wanted is left alone; so is one that failed with
 * exactly these settings (unless forced), since loading it again would fail
 * the same way, and one whose reload with them failed and that runs with its
 * previous settings.
 */
export function planReload(slots: readonly SlotState[], wanted: Wanted): SlotAction[] {
  const roles = new Map<string, ModelRole[]>();
  for (const role of ['completion', 'chat'] as const) {
    const p = wanted.paths[role];
    if (p) roles.set(p, [...(roles.get(p) ?? []), role]);
  }
  const byPath = new Map(slots.map((s) => [s.path, s]));
  const frees: SlotAction[] = [];
  const loads: SlotAction[] = [];
  for (const s of slots) if (!roles.has(s.path)) frees.push({ kind: 'drop', path: s.path });
  const options = loadOptionsFor(wanted.settings);
  for (const [path, rs] of roles) {
    const s = byPath.get(path);
    if (s?.loadedWith) {
      if (s.sizeBytes !== null && s.sizeBytes > wanted.maxBytes) {
        frees.push({ kind: 'unload', path, roles: rs, sizeBytes: s.sizeBytes, maxBytes: wanted.maxBytes });
        continue;
      }
      const changed = changedLoadSettings(s.loadedWith, wanted.settings);
      // It went back to the settings it runs with after these failed: not again until they change.
      const triedThese = s.failedWith !== null && sameSettings(s.failedWith, wanted.settings);
      if (wanted.force || (changed.length > 0 && !triedThese)) {
        loads.push({ kind: 'reload', path, roles: rs, options, previous: loadOptionsFor(s.loadedWith), changed });
      }
      continue;
    }
    if (s?.failedWith && !wanted.force && sameSettings(s.failedWith, wanted.settings)) continue;
    loads.push({ kind: 'load', path, roles: rs, options, retry: s?.failedWith != null });
  }
  return [...frees, ...loads];
}

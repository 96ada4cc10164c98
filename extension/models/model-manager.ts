/**
 * Owns the engine processes (one per distinct model path; completion and
 * chat share one when they use the same model), vets and loads models with
 * progress, applies settings changes (reload-plan.ts decides, this carries
 * it out, one change at a time), and tells the user in one clear
 * notification when a model cannot be used.
 */
import * as vscode from 'vscode';
import * as path from 'path';
import * as os from 'os';
import { EngineProcess, type EngineEvent } from '../host/parent/engine-process';
import type { ComputeInfo, EnginePort, EngineStatus, LoadOptions, ModelInfo } from '../host/engine-port';
import { inProcessEngine } from '../host/in-process-engine';
import { FakeEngine } from '../host/fake-engine';
import { vetModel, formatBytes } from './model-check';
import { errorCode } from '../engine/errors';
import { modelPathFor, readConfig, readEndpointConfig, readEngineSettings, type ModelRole } from '../config';
import { EndpointSlot } from './endpoint-slot';
import { checkEngineSettings, DEFAULT_ENGINE_SETTINGS, describeLoadOptions, ENGINE_SETTING_NAMES, loadOptionsFor, maxModelBytes, type EngineSettingKey, type EngineSettings, type SettingProblem } from './engine-settings';
import { planReload, type SlotAction, type SlotState } from './reload-plan';
import { reloadFailed, reloadFailedKeptPrevious, reloadTitle, unloadedTooBig, waitingForChat } from './reload-messages';
import { ChatGuard } from './chat-guard';
import type { Log } from '../log';

/** An engine the manager runs; EngineProcess can also restart its process. */
export type ManagedEngine = EnginePort & { restart?: (load?: { modelPath: string; options: LoadOptions }) => Promise<void> };

interface Slot extends SlotState {
  engine: ManagedEngine;
  loading: Promise<ModelInfo> | null;
  info: ModelInfo | null;
  error: string | null;
}

export interface ManagerStatus {
  role: ModelRole;
  state: EngineStatus['state'] | 'no-model' | 'error';
  model: string | null;
  tokensPerSecond: number | null;
  detail: string;
  /** "CUDA 24/24 layers" / "CPU": where the model computes, once loaded. */
  compute?: string;
  /** CPU threads the model computes with, once loaded. */
  threads?: number;
  /** The options its model was loaded with ("threads 1, context 4096, …"), once loaded. */
  loadedWith?: string;
}

/** Short label of where a model computes, for the status bar. */
export function computeLabel(c: ComputeInfo | undefined): string | undefined {
  if (!c) return undefined;
  if (c.gpuLayers === 0) return 'CPU';
  const name = c.backend === 'cuda' ? 'CUDA' : c.backend === 'vulkan' ? 'Vulkan' : c.backend;
  return `${name} ${c.gpuLayers}/${c.nLayer} layers`;
}

interface LoadHow {
  /** Progress title (default: "Hearth: loading <file>"). */
  title?: string;
  /** Start a fresh engine process for it (Restart Engine). */
  restart?: boolean;
  /** Show a failure here (default); false: the caller says it in its own words. */
  report?: boolean;
}

export class ModelManager implements vscode.Disposable {
  private readonly slots = new Map<string, Slot>();
  /** hearth.provider = endpoint: the server both roles use. */
  private readonly endpoint: EndpointSlot;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private lastTps: number | null = null;
  /** Failures already shown, so typing does not repeat the same notification. */
  private readonly reported = new Set<string>();
  /** Chat answers streaming per model: a reload waits for them. */
  private readonly chats = new ChatGuard();
  /** The checked engine settings in use; a bad value in the settings keeps the one here. */
  private applied: EngineSettings = DEFAULT_ENGINE_SETTINGS;
  /** Setting problems shown while they last, so each is said once. */
  private readonly problemsShown = new Set<string>();
  /** Settings changes and restarts run one after another, each on the settings of its start. */
  private queue: Promise<void> = Promise.resolve();
  private readonly waiting = new Map<'apply' | 'restart', Promise<void>>();
  private disposed = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
    /** Tests give their own engines. */
    private readonly newEngine: () => ManagedEngine = () => this.createEngine(),
  ) {
    this.endpoint = new EndpointSlot(context.secrets, () => this.changed.fire());
  }

  /** The engine for a role with its model loaded, or null (no model / failed; already reported). */
  async engineFor(role: ModelRole, opts: { interactive: boolean } = { interactive: false }): Promise<{ engine: EnginePort; info: ModelInfo } | null> {
    const ep = readEndpointConfig();
    if (ep.provider === 'endpoint') {
      const got = await this.endpoint.engineFor(ep, opts.interactive);
      return got ? { engine: this.chats.track(`endpoint ${ep.url}`, got.engine), info: got.info } : null;
    }
    const modelPath = modelPathFor(readConfig(), role);
    if (!modelPath) {
      if (opts.interactive) await this.reportNoModel();
      return null;
    }
    const slot = this.slotFor(modelPath);
    // A (re)load in progress: its model, not the one it replaces.
    while (slot.loading) await slot.loading.catch(() => undefined);
    if (slot.info) return { engine: this.chats.track(slot.path, slot.engine), info: slot.info };
    if (slot.error && !opts.interactive) return null;
    try {
      const info = await this.load(slot, this.currentSettings());
      return { engine: this.chats.track(slot.path, slot.engine), info };
    } catch {
      return null;
    }
  }

  /** Loads the configured models (activation). */
  loadConfigured(): Promise<void> {
    return this.enqueue('apply');
  }

  /**
   * Settings changed (model paths or engine settings) or trust was granted:
   * loads, reloads with the new options, unloads or drops engines as
   * reload-plan.ts decides. Calls while one waits to run share it.
   */
  applySettings(): Promise<void> {
    return this.enqueue('apply');
  }

  /** "Restart Engine": fresh engine processes, loading each configured model with the current settings. */
  restartEngines(): Promise<void> {
    return this.enqueue('restart');
  }

  /** The engine process id serving a role (for the status command and the e2e). */
  async status(role: ModelRole): Promise<ManagerStatus> {
    const ep = readEndpointConfig();
    if (ep.provider === 'endpoint') {
      const st = this.endpoint.status(ep);
      return { role, state: st.state, model: st.label, tokensPerSecond: null, detail: st.detail, compute: 'endpoint' };
    }
    const modelPath = modelPathFor(readConfig(), role);
    if (!modelPath) return { role, state: 'no-model', model: null, tokensPerSecond: null, detail: 'No model is set (hearth.model).' };
    const slot = this.slots.get(path.resolve(modelPath));
    if (slot?.error) return { role, state: 'error', model: path.basename(modelPath), tokensPerSecond: null, detail: slot.error };
    const st = slot ? await slot.engine.status() : null;
    const compute = st?.model?.compute ?? slot?.info?.compute;
    const threads = compute?.threads ? `, ${compute.threads} thread${compute.threads === 1 ? '' : 's'}` : '';
    const where = compute ? `, ${computeLabel(compute)}${compute.device ? ` on ${compute.device}` : ''}${threads}` +
      (compute.reasons.length ? ` (${compute.reasons.join('; ')})` : '') : '';
    const loadedWith = slot?.loadedWith ? describeLoadOptions(loadOptionsFor(slot.loadedWith)) : undefined;
    return {
      compute: computeLabel(compute),
      threads: compute?.threads,
      loadedWith,
      role,
      state: slot?.loading ? 'loading' : (st?.state ?? 'idle'),
      model: slot?.info?.name ?? path.basename(modelPath),
      tokensPerSecond: st?.tokensPerSecond ?? this.lastTps,
      detail: st
        ? `engine ${st.engine}, pid ${st.pid ?? '-'}, restarts ${st.restarts}${where}${st.lastError ? `, last error: ${st.lastError}` : ''}${loadedWith ? `; loaded with ${loadedWith}` : ''}`
        : 'not started',
    };
  }

  dispose(): void {
    this.disposed = true;
    this.endpoint.dispose();
    for (const slot of this.slots.values()) void slot.engine.dispose();
    this.slots.clear();
    this.changed.dispose();
  }

  private enqueue(kind: 'apply' | 'restart'): Promise<void> {
    const waiting = this.waiting.get(kind);
    if (waiting) return waiting;
    const run = this.queue.then(() => {
      this.waiting.delete(kind);
      return this.apply(kind === 'restart');
    });
    this.waiting.set(kind, run);
    // One failed run must not stop the ones after it.
    this.queue = run.catch((err) => this.log.error('applying the settings failed', err));
    return run;
  }

  /** The engine settings now, bad values replaced by the ones in use. */
  private currentSettings(): EngineSettings {
    return checkEngineSettings(readEngineSettings(), this.applied).settings;
  }

  private async apply(restart: boolean): Promise<void> {
    if (this.disposed) return;
    // A load started elsewhere (a chat asking for its model) finishes first: the plan sees its outcome.
    for (const s of this.slots.values()) while (s.loading) await s.loading.catch(() => undefined);
    const cfg = readConfig();
    const checked = checkEngineSettings(readEngineSettings(), this.applied);
    this.reportProblems(checked.problems);
    const settings = (this.applied = checked.settings);
    // With the endpoint provider no local model is wanted: the server computes, and one loaded here would only hold memory.
    const local = readEndpointConfig().provider === 'local';
    const wantedPath = (role: ModelRole): string => {
      const p = local ? modelPathFor(cfg, role) : '';
      return p ? path.resolve(p) : '';
    };
    const actions = planReload([...this.slots.values()], {
      paths: { completion: wantedPath('completion'), chat: wantedPath('chat') },
      settings,
      maxBytes: maxModelBytes(settings, os.totalmem()),
      force: restart,
    });
    if (actions.length) this.log.info(`settings: ${actions.map((a) => `${a.kind} ${path.basename(a.path)}${a.kind === 'reload' && a.changed.length ? ` (${a.changed.map((k) => ENGINE_SETTING_NAMES[k]).join(', ')})` : ''}`).join('; ')}`);
    for (const a of actions) {
      if (this.disposed) return;
      await this.run(a, settings, restart);
    }
    this.changed.fire();
  }

  private async run(a: SlotAction, settings: EngineSettings, restart: boolean): Promise<void> {
    const slot = this.slots.get(a.path);
    switch (a.kind) {
      case 'drop':
        if (!slot) return;
        await this.afterChats(slot);
        this.slots.delete(a.path);
        await slot.engine.dispose();
        return;
      case 'unload': {
        if (!slot) return;
        await this.afterChats(slot);
        const message = unloadedTooBig(a.path, a.sizeBytes, a.maxBytes);
        await this.unload(slot, settings, message);
        this.showError(message, ['maxModelMemoryMB']);
        return;
      }
      case 'load': {
        const s = this.slotFor(a.path);
        // The settings changed since it failed: say again if it still fails.
        if (a.retry || restart) this.reported.delete(s.path);
        s.error = null;
        await this.load(s, settings, { restart }).catch(() => undefined);
        return;
      }
      case 'reload':
        if (!slot) return;
        await this.afterChats(slot);
        await this.reload(slot, settings, a.changed, restart);
        return;
    }
  }

  /**
   * Loads the model again with `settings`. If that fails, it goes back to the
   * settings it ran with, and the message names the settings that did not work.
   */
  private async reload(slot: Slot, settings: EngineSettings, changed: EngineSettingKey[], restart: boolean): Promise<void> {
    const previous = slot.loadedWith;
    try {
      const info = await this.load(slot, settings, { title: reloadTitle(slot.path, changed), restart, report: false });
      this.log.info(`reloaded ${info.name} with ${describeLoadOptions(loadOptionsFor(settings))}`);
      return;
    } catch (err) {
      const reason = (err as Error)?.message ?? String(err);
      if (previous && changed.length > 0) {
        try {
          await this.load(slot, previous, { title: `Hearth: loading ${path.basename(slot.path)} with the previous settings`, report: false });
          // Not again with the same settings: the next change of them tries.
          slot.failedWith = settings;
          this.showError(reloadFailedKeptPrevious(slot.path, settings, changed, reason), changed);
          return;
        } catch {
          // as if there were no previous settings
        }
      }
      slot.failedWith = settings;
      this.reported.add(slot.path);
      this.showError(changed.length ? reloadFailed(slot.path, settings, changed, reason) : describeLoadError(slot.path, err), changed);
    }
  }

  /** Frees the model of `slot` (a fresh engine takes its place, started when next needed). */
  private async unload(slot: Slot, settings: EngineSettings, why: string): Promise<void> {
    const old = slot.engine;
    slot.engine = this.newEngine();
    slot.info = null;
    slot.loadedWith = null;
    slot.sizeBytes = null;
    slot.failedWith = settings;
    slot.error = why;
    this.reported.add(slot.path);
    await old.dispose();
    this.changed.fire();
  }

  /**
   * Waits until no chat answer streams from `slot`'s model, saying why
   * (with a way to stop the answer and go ahead), so none is cut off unseen.
   */
  private async afterChats(slot: Slot): Promise<void> {
    if (!this.chats.busy(slot.path)) return;
    const idle = this.chats.idle(slot.path);
    this.log.info(`waiting for the chat answer from ${slot.path} to end`);
    void vscode.window.showInformationMessage(waitingForChat(slot.path), 'Stop the Answer').then((pick) => {
      if (pick) this.chats.stop(slot.path);
    });
    await idle;
  }

  private reportProblems(problems: SettingProblem[]): void {
    const now = new Set(problems.map((p) => p.message));
    for (const m of [...this.problemsShown]) if (!now.has(m)) this.problemsShown.delete(m);
    for (const p of problems) {
      if (this.problemsShown.has(p.message)) continue;
      this.problemsShown.add(p.message);
      this.log.info(p.message);
      void vscode.window.showWarningMessage(p.message, 'Open Settings').then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', ENGINE_SETTING_NAMES[p.key]);
      });
    }
  }

  /** An error naming settings, with a button to open the first. */
  private showError(message: string, settings: EngineSettingKey[]): void {
    this.log.info(message);
    const button = settings.length ? 'Open Settings' : 'Select Model';
    void vscode.window.showErrorMessage(message, button).then((pick) => {
      if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', ENGINE_SETTING_NAMES[settings[0]]);
      else if (pick) void vscode.commands.executeCommand('hearth.selectModel');
    });
  }

  private slotFor(modelPath: string): Slot {
    const key = path.resolve(modelPath);
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { path: key, engine: this.newEngine(), loading: null, info: null, error: null, loadedWith: null, failedWith: null, sizeBytes: null };
      this.slots.set(key, slot);
    }
    return slot;
  }

  private createEngine(): ManagedEngine {
    // In-process mode is for tests only: a crash there takes the host down.
    if (process.env.HEARTH_ENGINE_IN_PROCESS === '1') return inProcessEngine(new FakeEngine());
    return new EngineProcess({
      scriptPath: this.context.asAbsolutePath(path.join('dist', 'engine-host.js')),
      onEvent: (e) => this.onEngineEvent(e),
    });
  }

  private onEngineEvent(e: EngineEvent): void {
    if (e.kind === 'stats') {
      if (e.stats && e.stats.ms > 0) this.lastTps = (e.stats.tokens * 1000) / e.stats.ms;
      this.changed.fire();
      return;
    }
    this.log.info(`engine ${e.kind}: ${e.message}`);
    if (e.kind === 'crashed') void vscode.window.showWarningMessage(e.message);
    else if (e.kind === 'gave-up') {
      void vscode.window.showErrorMessage(e.message, 'Restart Engine').then((pick) => {
        if (pick) void this.restartEngines();
      });
    } else if (e.kind === 'restarted' || e.kind === 'model-reloaded') void vscode.window.showInformationMessage(e.message);
    this.changed.fire();
  }

  /** Vets and loads `slot`'s model with `settings`, with progress; the slot records the outcome. */
  private load(slot: Slot, settings: EngineSettings, how: LoadHow = {}): Promise<ModelInfo> {
    if (slot.loading) return slot.loading;
    // Cleared by a later callback, never synchronously: a check that throws
    // at once (vetting) must not leave a settled promise behind as "loading".
    const loading: Promise<ModelInfo> = this.loadNow(slot, settings, how).finally(() => {
      if (slot.loading === loading) slot.loading = null;
      this.changed.fire();
    });
    slot.loading = loading;
    this.changed.fire();
    return loading;
  }

  private async loadNow(slot: Slot, settings: EngineSettings, how: LoadHow): Promise<ModelInfo> {
    const options = loadOptionsFor(settings);
    try {
      const summary = vetModel(slot.path, { maxBytes: maxModelBytes(settings, os.totalmem()) });
      this.log.info(`loading ${slot.path} (${summary.architecture}, ${formatBytes(summary.sizeBytes)}; ${describeLoadOptions(options)})`);
      const engine = slot.engine;
      const info = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: how.title ?? `Hearth: loading ${path.basename(slot.path)}` },
        async () => {
          if (!how.restart || !engine.restart) return engine.load(slot.path, options);
          await engine.restart({ modelPath: slot.path, options });
          const model = (await engine.status()).model;
          if (!model) throw new Error('the engine restarted without the model');
          return model;
        },
      );
      Object.assign(slot, { info, error: null, loadedWith: settings, failedWith: null, sizeBytes: info.sizeBytes });
      this.log.info(`loaded ${info.name}: ${info.architecture}, fim ${info.fim ?? 'none'}`);
      return info;
    } catch (err) {
      Object.assign(slot, { info: null, loadedWith: null, failedWith: settings, sizeBytes: null, error: describeLoadError(slot.path, err) });
      this.log.error(`cannot load ${slot.path}`, err);
      if (how.report !== false && !this.reported.has(slot.path)) {
        this.reported.add(slot.path);
        void vscode.window.showErrorMessage(slot.error as string, 'Select Model').then((pick) => {
          if (pick) void vscode.commands.executeCommand('hearth.selectModel');
        });
      }
      throw err;
    }
  }

  private async reportNoModel(): Promise<void> {
    const pick = await vscode.window.showInformationMessage('Hearth has no model yet. Pick a GGUF model file to use.', 'Select Model');
    if (pick) await vscode.commands.executeCommand('hearth.selectModel');
  }
}

/** One sentence a user can act on, from any load failure. */
export function describeLoadError(modelPath: string, err: unknown): string {
  const name = path.basename(modelPath);
  const msg = (err as Error)?.message ?? String(err);
  const code = errorCode(err);
  // The header faults, from the native reader or the quick one (host/gguf-peek.ts).
  if (code.startsWith('E_GGUF_')) return `${name} is not a usable GGUF model: ${msg}`;
  switch (code) {
    case 'E_IO_NOT_FOUND':
      return `Hearth cannot find the model file ${modelPath}. Check hearth.model.`;
    case 'E_IO_OPEN':
      return `Hearth cannot open ${name}: ${msg}`;
    case 'E_MODEL_UNSUPPORTED':
    case 'E_MODEL_UNSUPPORTED_ARCH':
      return `${name} cannot be used: ${msg}`;
    case 'E_MODEL_TOO_BIG':
      return `${name} is too big for this machine. ${msg}`;
    case 'E_BACKEND_UNAVAILABLE':
    case 'E_BACKEND_UNSUPPORTED':
    case 'E_BACKEND_OOM':
    case 'E_BACKEND_DEVICE_LOST':
      return `Hearth could not load ${name} on the GPU: ${msg.replace(/[.\s]+$/, '')}. Check hearth.backend and hearth.gpuLayers ("cpu" / 0 keep it off the GPU).`;
    case 'E_OUT_OF_MEMORY':
      return `${name} did not fit in memory: ${msg.replace(/[.\s]+$/, '')}. A smaller hearth.chat.contextTokens or hearth.completion.contextTokens needs less.`;
    default:
      return `Hearth could not load ${name}: ${msg}`;
  }
}

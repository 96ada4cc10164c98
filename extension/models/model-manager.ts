/**
 * Owns the engine processes (one per distinct model path; completion and
 * chat share one when they use the same model), vets and loads models with
 * progress, and tells the user in one clear notification when a model cannot
 * be used.
 */
import * as vscode from 'vscode';
import * as path from 'path';
import { EngineProcess, type EngineEvent } from '../host/engine-process';
import type { ComputeInfo, EnginePort, EngineStatus, ModelInfo } from '../host/engine-port';
import { inProcessEngine } from '../host/in-process-engine';
import { FakeEngine } from '../host/fake-engine';
import { vetModel, formatBytes } from './model-check';
import { errorCode } from '../host/host-errors';
import { modelPathFor, readConfig, type ModelRole } from '../config';
import type { Log } from '../log';

interface Slot {
  path: string;
  engine: EnginePort & { restart?: () => Promise<void> };
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
}

/** Short label of where a model computes, for the status bar. */
export function computeLabel(c: ComputeInfo | undefined): string | undefined {
  if (!c) return undefined;
  if (c.gpuLayers === 0) return 'CPU';
  const name = c.backend === 'cuda' ? 'CUDA' : c.backend === 'vulkan' ? 'Vulkan' : c.backend;
  return `${name} ${c.gpuLayers}/${c.nLayer} layers`;
}

export class ModelManager implements vscode.Disposable {
  private readonly slots = new Map<string, Slot>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private lastTps: number | null = null;
  /** Failures already shown, so typing does not repeat the same notification. */
  private readonly reported = new Set<string>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
  ) {}

  /** The engine for a role with its model loaded, or null (no model / failed; already reported). */
  async engineFor(role: ModelRole, opts: { interactive: boolean } = { interactive: false }): Promise<{ engine: EnginePort; info: ModelInfo } | null> {
    const modelPath = modelPathFor(readConfig(), role);
    if (!modelPath) {
      if (opts.interactive) await this.reportNoModel();
      return null;
    }
    const slot = this.slotFor(modelPath);
    if (slot.info) return { engine: slot.engine, info: slot.info };
    if (slot.error && !opts.interactive) return null;
    try {
      const info = await this.load(slot);
      return { engine: slot.engine, info };
    } catch {
      return null;
    }
  }

  /** Loads (or reloads) the configured models now, with progress. */
  async loadConfigured(): Promise<void> {
    const cfg = readConfig();
    const paths = new Set([modelPathFor(cfg, 'completion'), modelPathFor(cfg, 'chat')].filter(Boolean));
    for (const p of paths) {
      const slot = this.slotFor(p);
      slot.error = null;
      this.reported.delete(p);
      await this.load(slot).catch(() => undefined);
    }
  }

  /** Settings changed: drop engines whose model is no longer configured. */
  async reconcile(): Promise<void> {
    const cfg = readConfig();
    const wanted = new Set([modelPathFor(cfg, 'completion'), modelPathFor(cfg, 'chat')].filter(Boolean).map((p) => path.resolve(p)));
    for (const [p, slot] of this.slots) {
      if (!wanted.has(p)) {
        this.slots.delete(p);
        await slot.engine.dispose();
      }
    }
    this.changed.fire();
    await this.loadConfigured();
  }

  async restartEngines(): Promise<void> {
    for (const slot of this.slots.values()) await slot.engine.restart?.();
    this.changed.fire();
  }

  /** The engine process id serving a role (for the status command and the e2e). */
  async status(role: ModelRole): Promise<ManagerStatus> {
    const modelPath = modelPathFor(readConfig(), role);
    if (!modelPath) return { role, state: 'no-model', model: null, tokensPerSecond: null, detail: 'No model is set (hearth.model).' };
    const slot = this.slots.get(path.resolve(modelPath));
    if (slot?.error) return { role, state: 'error', model: path.basename(modelPath), tokensPerSecond: null, detail: slot.error };
    const st = slot ? await slot.engine.status() : null;
    const compute = st?.model?.compute ?? slot?.info?.compute;
    const where = compute ? `, ${computeLabel(compute)}${compute.device ? ` on ${compute.device}` : ''}` +
      (compute.reasons.length ? ` (${compute.reasons.join('; ')})` : '') : '';
    return {
      compute: computeLabel(compute),
      role,
      state: slot?.loading ? 'loading' : (st?.state ?? 'idle'),
      model: slot?.info?.name ?? path.basename(modelPath),
      tokensPerSecond: st?.tokensPerSecond ?? this.lastTps,
      detail: st
        ? `engine ${st.engine}, pid ${st.pid ?? '-'}, restarts ${st.restarts}${where}${st.lastError ? `, last error: ${st.lastError}` : ''}`
        : 'not started',
    };
  }

  dispose(): void {
    for (const slot of this.slots.values()) void slot.engine.dispose();
    this.slots.clear();
    this.changed.dispose();
  }

  private slotFor(modelPath: string): Slot {
    const key = path.resolve(modelPath);
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { path: key, engine: this.createEngine(), loading: null, info: null, error: null };
      this.slots.set(key, slot);
    }
    return slot;
  }

  private createEngine(): EnginePort & { restart?: () => Promise<void> } {
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

  private load(slot: Slot): Promise<ModelInfo> {
    if (slot.loading) return slot.loading;
    const cfg = readConfig();
    slot.loading = (async () => {
      try {
        const summary = vetModel(slot.path, { maxBytes: cfg.maxModelBytes });
        this.log.info(`loading ${slot.path} (${summary.architecture}, ${formatBytes(summary.sizeBytes)})`);
        const info = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Hearth: loading ${path.basename(slot.path)}` },
          () => slot.engine.load(slot.path, { contextTokens: Math.max(cfg.chatContextTokens, cfg.completionContextTokens), threads: cfg.threads || undefined, backend: cfg.backend, gpuLayers: cfg.gpuLayers }),
        );
        slot.info = info;
        slot.error = null;
        this.log.info(`loaded ${info.name}: ${info.architecture}, fim ${info.fim ?? 'none'}`);
        return info;
      } catch (err) {
        slot.error = describeLoadError(slot.path, err);
        this.log.error(`cannot load ${slot.path}`, err);
        if (!this.reported.has(slot.path)) {
          this.reported.add(slot.path);
          void vscode.window.showErrorMessage(slot.error, 'Select Model').then((pick) => {
            if (pick) void vscode.commands.executeCommand('hearth.selectModel');
          });
        }
        throw err;
      } finally {
        slot.loading = null;
        this.changed.fire();
      }
    })();
    this.changed.fire();
    return slot.loading;
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
  switch (errorCode(err)) {
    case 'E_IO_NOT_FOUND':
      return `Hearth cannot find the model file ${modelPath}. Check hearth.model.`;
    case 'E_IO_OPEN':
      return `Hearth cannot open ${name}: ${msg}`;
    case 'E_MODEL_CORRUPT':
      return `${name} is not a usable GGUF model: ${msg}`;
    case 'E_MODEL_UNSUPPORTED':
    case 'E_MODEL_UNSUPPORTED_ARCH':
      return `${name} cannot be used: ${msg}`;
    case 'E_MODEL_TOO_BIG':
      return `${name} is too big for this machine. ${msg}`;
    case 'E_ENGINE_RUNTIME_MISSING':
      return msg;
    default:
      return `Hearth could not load ${name}: ${msg}`;
  }
}

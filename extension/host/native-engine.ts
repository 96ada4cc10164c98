/**
 * EnginePort over the real runtime (extension/engine/engine.ts). Runs in the
 * engine process. One session for completions and one for chat, so each
 * keeps its own KV cache and its prompt prefix is reused across requests.
 * Prompts are built as token ids: control tokens by id, user text tokenized
 * with special parsing off. FIM prompts come from engine/fim.ts, the builder
 * `hearth complete` uses, so the same prefix/suffix gives the same tokens.
 */
import { loadModel, type Model, type Session } from '../engine/engine';
import type { ChatMessage, ComputeInfo, EnginePort, EngineStatus, FimRequest, GenerateOptions, LoadOptions, ModelInfo } from './engine-port';
import { buildFimPrompt, detectFim } from '../engine/fim';
import { chatTokens } from './chat-prompt';
import { openRegularFile, peekGguf } from '../models/gguf-peek';
import { HostError } from './host-errors';
import * as path from 'path';
import * as fs from 'fs';

export const NATIVE_ENGINE_NAME = 'native';

function computeInfo(model: Model): ComputeInfo {
  const mi = model.info;
  return { backend: mi.backend, device: mi.device, gpuLayers: mi.gpuLayers, nLayer: mi.nLayer, reasons: mi.reasons };
}

export class NativeEngine implements EnginePort {
  private model: Model | null = null;
  private info: ModelInfo | null = null;
  private completionSession: Session | null = null;
  private chatSession: Session | null = null;
  private lastTps: number | null = null;
  /** Token ids of the last completion prompt (logs, tests). */
  lastCompletionPrompt: readonly number[] = [];
  /** Native generations not yet settled: a model is disposed only after they end. */
  private readonly generations = new Set<{ abort(): void; settled: Promise<void> }>();

  async load(modelPath: string, options: LoadOptions): Promise<ModelInfo> {
    // Only a regular file: a FIFO would block this process's thread in open().
    fs.closeSync(openRegularFile(modelPath).fd);
    await this.dispose();
    const model = await loadModel(modelPath, {
      threads: options.threads,
      contextLength: options.contextTokens,
      backend: options.backend,
      gpuLayers: options.gpuLayers,
    });
    const mi = model.info;
    let fim: ModelInfo['fim'] = null;
    let repoLevelFim = false;
    try {
      const spec = detectFim(model.tokenizer);
      fim = spec.family;
      repoLevelFim = spec.repo >= 0 && spec.fileSep >= 0;
    } catch {
      // E_MODEL_NO_FIM: completions continue the prefix instead
    }
    let parameters = 0;
    try {
      parameters = peekGguf(modelPath).parameters;
    } catch {
      // the runtime loaded it; the count is only for display
    }
    this.model = model;
    const ctx = Math.min(options.contextTokens ?? mi.contextLengthTrain, mi.contextLengthTrain || Number.MAX_SAFE_INTEGER);
    this.completionSession = model.createSession({ contextLength: ctx });
    this.chatSession = model.createSession({ contextLength: ctx });
    this.info = {
      path: modelPath,
      name: mi.name || path.basename(modelPath).replace(/\.(gguf|llamafile)$/i, ''),
      architecture: mi.architecture,
      parameters,
      contextLength: mi.contextLengthTrain,
      fim,
      repoLevelFim,
      sizeBytes: fs.statSync(modelPath).size,
      compute: computeInfo(model),
    };
    return this.info;
  }

  complete(request: FimRequest, signal: AbortSignal): AsyncIterable<string> {
    const { model, info, session } = this.require(this.completionSession);
    let prompt: number[];
    let stops = request.stop;
    let stopTokens: readonly number[] = [];
    if (info.fim) {
      // Other files make it a repo-level prompt; without them it is exactly
      // what `hearth complete` builds for the same prefix and suffix.
      const fim = buildFimPrompt(model.tokenizer, {
        prefix: request.prefix,
        suffix: request.suffix,
        filePath: request.path,
        files: request.chunks.map((c) => ({ path: c.path, content: c.text })),
        repoName: request.chunks.length > 0 ? 'workspace' : undefined,
      });
      prompt = Array.from(fim.tokens);
      stopTokens = fim.stopIds;
      stops = [...new Set([...stops, ...fim.stopStrings])];
    } else {
      // No FIM tokens: a plain continuation of the prefix (what `hearth generate` does).
      prompt = this.textTokens(model, request.prefix);
    }
    this.lastCompletionPrompt = prompt;
    // Alternatives: top-k then temperature, without top-p/min-p, which run
    // before the temperature in the sampler chain and would cut a confident
    // model's choice back to the greedy token.
    const temperature = request.temperature ?? 0;
    const sampling = temperature > 0 ? { temperature, seed: request.seed, topK: 40, topP: 1, minP: 0 } : { temperature: 0 };
    return this.stream(session, prompt, { maxTokens: request.maxTokens, ...sampling, stop: stops, stopTokens, spliceDrift: request.spliceDrift }, signal, request.timeBudgetMs * 2);
  }

  chat(messages: ChatMessage[], options: GenerateOptions, signal: AbortSignal): AsyncIterable<string> {
    const { model, session } = this.require(this.chatSession);
    return this.chatStream(model, session, messages, options, signal);
  }

  /** The prompt renders off-thread (bounded), then generation streams. */
  private async *chatStream(model: Model, session: Session, messages: ChatMessage[], options: GenerateOptions, signal: AbortSignal): AsyncIterable<string> {
    const mi = model.info;
    const chat = await chatTokens({
      tokenize: (text, o) => model.tokenize(text, o),
      tokenText: (id) => model.tokenText(id),
      bos: mi.bos, eos: mi.eos, addBos: mi.addBos, chatTemplate: mi.chatTemplate,
    }, messages, signal);
    // A load may have replaced the model while the template rendered.
    if (this.chatSession !== session) throw new HostError('E_ABORTED', 'the model was replaced while the request waited');
    yield* this.stream(session, chat.tokens, { maxTokens: options.maxTokens, temperature: options.temperature, stop: chat.stops, stopTokens: [] }, signal, 0);
  }

  async countTokens(text: string): Promise<number> {
    if (!this.model) return Math.ceil(text.length / 4);
    return this.model.tokenize(text).length;
  }

  async status(): Promise<EngineStatus> {
    if (this.model && this.info) this.info.compute = computeInfo(this.model);
    return { state: this.model ? 'ready' : 'idle', engine: NATIVE_ENGINE_NAME, model: this.info, tokensPerSecond: this.lastTps, pid: process.pid, restarts: 0, lastError: null };
  }

  /** Aborts every running generation and waits until each has ended. */
  private async stopGenerations(): Promise<void> {
    const running = [...this.generations];
    for (const g of running) g.abort();
    await Promise.all(running.map((g) => g.settled));
  }

  async dispose(): Promise<void> {
    // A chat may still stream from this model (a load replacing it, or shutdown).
    await this.stopGenerations();
    this.model?.dispose();
    this.model = null;
    this.info = null;
    this.completionSession = null;
    this.chatSession = null;
  }

  private require(session: Session | null): { model: Model; info: ModelInfo; session: Session } {
    if (!this.model || !this.info || !session) throw new HostError('E_NO_MODEL', 'no model is loaded');
    return { model: this.model, info: this.info, session };
  }

  /** BOS (when the model wants it), then the text with special parsing off. */
  private textTokens(model: Model, text: string): number[] {
    const out: number[] = [];
    if (model.info.addBos && model.info.bos !== null) out.push(model.info.bos);
    if (text !== '') out.push(...model.tokenize(text, { parseSpecial: false }));
    return out;
  }

  private async *stream(
    session: Session,
    prompt: number[],
    opts: { maxTokens: number; temperature?: number; seed?: number; topK?: number; topP?: number; minP?: number; stop: string[]; stopTokens: readonly number[]; spliceDrift?: number },
    signal: AbortSignal,
    hardLimitMs: number,
  ): AsyncIterable<string> {
    const gen = session.generate(prompt, {
      maxTokens: opts.maxTokens, temperature: opts.temperature ?? 0, seed: opts.seed, topK: opts.topK, topP: opts.topP, minP: opts.minP, stop: opts.stop, stopTokens: opts.stopTokens, stopOnEog: true, spliceDrift: opts.spliceDrift, signal,
    });
    const tracked = { abort: () => gen.abort(), settled: gen.result.then(() => undefined, () => undefined) };
    this.generations.add(tracked);
    void tracked.settled.then(() => this.generations.delete(tracked));
    // A completion past twice its time budget is no longer useful.
    const timer = hardLimitMs > 0 ? setTimeout(() => gen.abort(), hardLimitMs) : null;
    try {
      for await (const piece of gen) {
        if (signal.aborted) throw new HostError('E_ABORTED', 'request cancelled');
        if (piece.text) yield piece.text;
      }
      const r = await gen.result;
      this.lastTps = r.timings.genTokensPerSec || null;
      if (r.reason === 'abort' && signal.aborted) throw new HostError('E_ABORTED', 'request cancelled');
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}

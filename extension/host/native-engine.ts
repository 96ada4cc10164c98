/**
 * EnginePort over the real runtime (extension/engine/engine.ts). Runs in the
 * engine process. One session for completions and one for chat, so each
 * keeps its own KV cache and its prompt prefix is reused across requests.
 * Prompts are built as token ids: control tokens by id, user text tokenized
 * with special parsing off.
 */
import { loadModel, type Model, type Session } from '../engine/engine';
import type { ChatMessage, EnginePort, EngineStatus, FimRequest, GenerateOptions, LoadOptions, ModelInfo } from './engine-port';
import { detectFimFormat, fimFormat, type PromptPart } from '../completion/fim-format';
import { chatPrompt, detectChatFormat } from './chat-format';
import { peekGguf } from '../models/gguf-peek';
import { HostError } from './host-errors';
import * as path from 'path';
import * as fs from 'fs';

export const NATIVE_ENGINE_NAME = 'native';

export class NativeEngine implements EnginePort {
  private model: Model | null = null;
  private info: ModelInfo | null = null;
  private completionSession: Session | null = null;
  private chatSession: Session | null = null;
  private lastTps: number | null = null;

  async load(modelPath: string, options: LoadOptions): Promise<ModelInfo> {
    if (!fs.existsSync(modelPath)) throw new HostError('E_IO_NOT_FOUND', `no file at ${modelPath}`);
    await this.dispose();
    const model = await loadModel(modelPath, { threads: options.threads, contextLength: options.contextTokens });
    const mi = model.info;
    const spelled = new Set<string>();
    for (const id of [mi.fimPre, mi.fimSuf, mi.fimMid, mi.fimSep]) {
      if (id !== null) spelled.add(model.detokenize([id], { special: true }));
    }
    const fim = mi.fimPre !== null && mi.fimSuf !== null && mi.fimMid !== null ? detectFimFormat((t) => spelled.has(t)) : null;
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
      repoLevelFim: fim !== null && mi.fimSep !== null,
      sizeBytes: fs.statSync(modelPath).size,
    };
    return this.info;
  }

  complete(request: FimRequest, signal: AbortSignal): AsyncIterable<string> {
    const { model, info, session } = this.require(this.completionSession);
    let prompt: number[];
    let stops = request.stop;
    if (info.fim) {
      const format = fimFormat(info.fim);
      prompt = this.tokens(model, format.parts(request, info.repoLevelFim));
      stops = [...new Set([...stops, ...format.stops])];
    } else {
      // No FIM tokens: a plain continuation of the prefix (what `hearth generate` does).
      prompt = this.tokens(model, [{ text: request.prefix }]);
    }
    return this.stream(session, prompt, { maxTokens: request.maxTokens, stop: stops }, signal, request.timeBudgetMs * 2);
  }

  chat(messages: ChatMessage[], options: GenerateOptions, signal: AbortSignal): AsyncIterable<string> {
    const { model, session } = this.require(this.chatSession);
    const layout = chatPrompt(detectChatFormat(model.info.chatTemplate), messages);
    const prompt = this.tokens(model, layout.parts);
    return this.stream(session, prompt, { maxTokens: options.maxTokens, temperature: options.temperature, stop: layout.stops }, signal, 0);
  }

  async countTokens(text: string): Promise<number> {
    if (!this.model) return Math.ceil(text.length / 4);
    return this.model.tokenize(text).length;
  }

  async status(): Promise<EngineStatus> {
    return { state: this.model ? 'ready' : 'idle', engine: NATIVE_ENGINE_NAME, model: this.info, tokensPerSecond: this.lastTps, pid: process.pid, restarts: 0, lastError: null };
  }

  async dispose(): Promise<void> {
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

  /** BOS (when the model wants it), then each part: specials by id, text without special parsing. */
  private tokens(model: Model, parts: PromptPart[]): number[] {
    const out: number[] = [];
    if (model.info.addBos && model.info.bos !== null) out.push(model.info.bos);
    for (const p of parts) {
      if ('special' in p) {
        const ids = model.tokenize(p.special, { parseSpecial: true });
        if (ids.length !== 1) throw new HostError('E_MODEL_NO_FIM', `the model has no single token for ${p.special}`);
        out.push(ids[0]);
      } else if (p.text !== '') out.push(...model.tokenize(p.text, { parseSpecial: false }));
    }
    return out;
  }

  private async *stream(
    session: Session,
    prompt: number[],
    opts: { maxTokens: number; temperature?: number; stop: string[] },
    signal: AbortSignal,
    hardLimitMs: number,
  ): AsyncIterable<string> {
    const gen = session.generate(prompt, { maxTokens: opts.maxTokens, temperature: opts.temperature ?? 0, stop: opts.stop, stopOnEog: true, signal });
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

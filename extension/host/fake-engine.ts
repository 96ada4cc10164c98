/**
 * A deterministic engine for tests and the e2e harness (HEARTH_ENGINE=fake):
 * no weights, no native code, same streaming and abort behaviour as the real
 * one. Its outputs are pure functions of the request, so a test can compute
 * what it must see (fakeCompletionFor, fakeChatReplyFor).
 */
import type { ChatMessage, EnginePort, EngineStatus, FimRequest, ChatOptions, LoadOptions, ModelInfo, TextOptions, TextStream, TokenizeOptions } from './engine-port';
import type { StopReason } from '../engine/engine';
import { EngineError } from '../engine/errors';
import * as fs from 'fs';
import * as path from 'path';

export const FAKE_ENGINE_NAME = 'fake';

/** The completion the fake engine streams for a FIM request. */
export function fakeCompletionFor(request: Pick<FimRequest, 'prefix'>): string {
  const line = request.prefix.slice(request.prefix.lastIndexOf('\n') + 1);
  const word = assignedName(line);
  return word ? `${word}_value + 1;` : 'hearth_fake_completion();';
}

/**
 * The name a line ends assigning to (`  total = ` -> total), scanned from the
 * end. A regex anchored at the end backtracks from every start and took
 * minutes on a 2 MB line of one word (the frame fuzzer's).
 */
function assignedName(line: string): string | undefined {
  const space = (i: number): boolean => /\s/.test(line[i]);
  let i = line.length;
  while (i > 0 && space(i - 1)) i--;
  if (i === 0 || line[i - 1] !== '=') return undefined;
  i--;
  while (i > 0 && space(i - 1)) i--;
  const end = i;
  while (i > 0 && /\w/.test(line[i - 1])) i--;
  while (i < end && /[0-9]/.test(line[i])) i++;  // a name starts with a letter or _
  return i < end ? line.slice(i, end) : undefined;
}

/** Marks a rewrite request so the fake can answer it with code only. */
export const REWRITE_MARKER = 'Rewrite the code';

/** The reply the fake engine streams for a chat. */
export function fakeChatReplyFor(messages: ChatMessage[]): string {
  const last = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  if (system.includes(REWRITE_MARKER)) {
    const code = /```[^\n]*\n([\s\S]*?)```/.exec(last)?.[1] ?? '';
    return '```\n// edited by hearth\n' + code + '```\n';
  }
  // Echoes the question (raw: the webview must sanitize it) plus a code block.
  const question = last.split('\n').filter((l) => l.trim() !== '').pop() ?? '';
  return `Fake answer to: ${question}\n\n\`\`\`js\nconst answer = 42;\n\`\`\`\n`;
}

function chunksOf(text: string): string[] {
  return text.match(/[\s\S]{1,4}/g) ?? [];
}

async function* streamText(text: string, signal: AbortSignal, delayMs: number): AsyncGenerator<string, StopReason> {
  for (const piece of chunksOf(text)) {
    if (signal.aborted) throw new EngineError('E_ABORTED', 'request cancelled');
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    if (signal.aborted) throw new EngineError('E_ABORTED', 'request cancelled');
    yield piece;
  }
  return 'eog';
}

export class FakeEngine implements EnginePort {
  private model: ModelInfo | null = null;
  private lastTps: number | null = null;

  constructor(private readonly delayMs = 0) {}

  async load(modelPath: string, options: LoadOptions): Promise<ModelInfo> {
    let size: number;
    try {
      size = fs.statSync(modelPath).size;
    } catch {
      throw new EngineError('E_IO_NOT_FOUND', `model file not found: ${modelPath}`);
    }
    this.model = {
      path: modelPath,
      name: path.basename(modelPath).replace(/\.(gguf|llamafile)$/i, ''),
      architecture: 'llama',
      parameters: 0,
      // Echoes the requested window, so tests can see which options a (re)load got.
      contextLength: options.contextTokens ?? 2048,
      fim: 'qwen',
      repoLevelFim: true,
      sizeBytes: size,
    };
    return this.model;
  }

  complete(request: FimRequest, signal: AbortSignal): TextStream {
    this.requireModel();
    this.lastTps = 1000;
    return streamText(fakeCompletionFor(request), signal, this.delayMs);
  }

  chat(messages: ChatMessage[], _options: ChatOptions, signal: AbortSignal): TextStream {
    this.requireModel();
    this.lastTps = 1000;
    return streamText(fakeChatReplyFor(messages), signal, this.delayMs);
  }

  /** Continues the prompt as it would a completion whose prefix it is. */
  generate(prompt: string, _options: TextOptions, signal: AbortSignal): TextStream {
    this.requireModel();
    this.lastTps = 1000;
    return streamText(fakeCompletionFor({ prefix: prompt }), signal, this.delayMs);
  }

  async countTokens(text: string): Promise<number> {
    return Math.ceil(text.length / 4);
  }

  /** One token per UTF-16 code unit (its code), BOS 1 first when asked. */
  async tokenize(text: string, options: TokenizeOptions): Promise<number[]> {
    this.requireModel();
    const ids = Array.from(text, (c) => c.charCodeAt(0));
    return options.addBos ? [1, ...ids] : ids;
  }

  async detokenize(tokens: number[]): Promise<string> {
    this.requireModel();
    const bad = tokens.find((t) => !Number.isInteger(t) || t < 0 || t > 0xffff);
    if (bad !== undefined) throw new EngineError('E_INVALID_ARGUMENT', `token ${bad} is not in the vocabulary`);
    return tokens.filter((t) => t !== 1).map((t) => String.fromCharCode(t)).join('');
  }

  async status(): Promise<EngineStatus> {
    return {
      state: this.model ? 'ready' : 'idle',
      engine: FAKE_ENGINE_NAME,
      model: this.model,
      tokensPerSecond: this.lastTps,
      pid: process.pid,
      restarts: 0,
      lastError: null,
    };
  }

  async dispose(): Promise<void> {
    this.model = null;
  }

  private requireModel(): void {
    if (!this.model) throw new EngineError('E_NO_MODEL', 'no model is loaded');
  }
}

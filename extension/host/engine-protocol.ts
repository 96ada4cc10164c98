/**
 * Messages between the extension host and the engine process (or the
 * in-process engine service). Plain data only: it crosses process.send.
 *
 * A request carries an id; the answer is zero or more `chunk`s then exactly
 * one `done` or `error` with the same id. `cancel` asks the engine to stop a
 * request early; the engine still answers it (with `done` or E_ABORTED).
 */
import type { StopReason } from '../engine/engine';
import type { ChatMessage, EngineStatus, FimRequest, ChatOptions, LoadOptions, ModelInfo, TextOptions, TokenizeOptions } from './engine-port';

export type EngineRequest =
  | { id: number; method: 'load'; params: { modelPath: string; options: LoadOptions } }
  | { id: number; method: 'complete'; params: { request: FimRequest } }
  | { id: number; method: 'prefetch'; params: { request: FimRequest } }
  | { id: number; method: 'chat'; params: { messages: ChatMessage[]; options: ChatOptions } }
  | { id: number; method: 'generate'; params: { prompt: string; options: TextOptions } }
  | { id: number; method: 'countTokens'; params: { text: string } }
  | { id: number; method: 'tokenize'; params: { text: string; options: TokenizeOptions } }
  | { id: number; method: 'detokenize'; params: { tokens: number[] } }
  | { id: number; method: 'status'; params: Record<string, never> };

/** What `done` carries for each method. */
export interface EngineResults {
  load: ModelInfo;
  complete: GenerationStats;
  /** Answered at once: the work goes on in the engine's background. */
  prefetch: null;
  chat: GenerationStats;
  generate: GenerationStats;
  countTokens: number;
  tokenize: number[];
  detokenize: string;
  status: EngineStatus;
}

export interface GenerationStats {
  /** Text pieces sent. */
  tokens: number;
  ms: number;
  stopReason: StopReason;
  /** The engine's own counts (StreamEnd), where it gave them. */
  promptTokens?: number;
  evaluatedTokens?: number;
  generatedTokens?: number;
}

export type EngineReply =
  | { id: number; kind: 'chunk'; text: string }
  | { id: number; kind: 'done'; result: unknown }
  | { id: number; kind: 'error'; code: string; message: string };

export type HostToEngine = EngineRequest | { id: number; method: 'cancel'; params: Record<string, never> };

/** Sent once by the engine process when it is ready for requests. */
export interface EngineHello {
  kind: 'hello';
  pid: number;
  engine: string;
}

export type EngineToHost = EngineReply | EngineHello;

export function isEngineToHost(v: unknown): v is EngineToHost {
  if (typeof v !== 'object' || v === null) return false;
  const kind = (v as { kind?: unknown }).kind;
  if (kind === 'hello') return true;
  return typeof (v as { id?: unknown }).id === 'number' && (kind === 'chunk' || kind === 'done' || kind === 'error');
}

/** Every method the host sends, one list; the type check below fails when it and HostToEngine differ. */
export const HOST_TO_ENGINE_METHODS = ['load', 'complete', 'prefetch', 'chat', 'generate', 'countTokens', 'tokenize', 'detokenize', 'status', 'cancel'] as const;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const METHODS_MATCH: Same<(typeof HOST_TO_ENGINE_METHODS)[number], HostToEngine['method']> = true;
void METHODS_MATCH;

export function isHostToEngine(v: unknown): v is HostToEngine {
  if (typeof v !== 'object' || v === null) return false;
  const m = v as { id?: unknown; method?: unknown; params?: unknown };
  return (
    typeof m.id === 'number' &&
    typeof m.method === 'string' &&
    (HOST_TO_ENGINE_METHODS as readonly string[]).includes(m.method) &&
    typeof m.params === 'object' &&
    m.params !== null
  );
}

/**
 * What every handler gets: the server-wide context (engine, model state,
 * gates, limits) and the call (this request, its response, its abort signal
 * and the record its log line is written from).
 */
import type { IncomingMessage, ServerResponse } from 'http';
import type { EnginePort, ModelInfo } from '../host/engine-port';
import type { Gate } from './gate';
import type { RequestRecord } from './request-log';
import { HttpError } from './http-error';

export interface ServeLimits {
  /** Request body, bytes. */
  bodyBytes: number;
  /** Prompt, tokens (also never more than the model's context). */
  promptTokens: number;
}

export interface ModelState {
  phase: 'loading' | 'ready' | 'failed';
  info: ModelInfo | null;
  error: string | null;
}

export interface ServeContext {
  engine: EnginePort;
  /** The id /v1/models lists and responses carry: the model file's name. */
  modelId: string;
  state: ModelState;
  /** All generation requests: --parallel running, a bounded queue behind them. */
  gate: Gate;
  /** Chat requests one at a time: the engine keeps one chat session (host/child/native-engine.ts). Taken before `gate`, so a chat waiting for it holds no generation slot. */
  chatLane: Gate;
  limits: ServeLimits;
}

export interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  /** Aborted when the client goes away before its answer is complete. */
  signal: AbortSignal;
  /** CORS headers for this request (empty unless --cors allows its origin). */
  headers: Record<string, string>;
  record: RequestRecord;
}

export type Handler = (ctx: ServeContext, call: Call) => Promise<void>;

/** The loaded model, or 503 (with Retry-After) while it loads or after it failed to. */
export function requireModel(ctx: ServeContext): ModelInfo {
  if (ctx.state.phase === 'ready' && ctx.state.info) return ctx.state.info;
  if (ctx.state.phase === 'failed') throw new HttpError(503, 'E_NO_MODEL', `the model could not be loaded: ${ctx.state.error ?? 'unknown error'}`);
  throw new HttpError(503, 'E_NO_MODEL', 'the model is still loading; try again shortly', 2);
}

/** Runs `work` holding a place in each gate in turn, released however it ends. */
export async function withGates<T>(gates: readonly Gate[], signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  const releases: (() => void)[] = [];
  try {
    for (const g of gates) releases.push(await g.acquire(signal));
    return await work();
  } finally {
    for (const r of releases.reverse()) r();
  }
}

/** Refuses a prompt over the token limit or the model's context with 413. */
export function checkPromptTokens(ctx: ServeContext, info: ModelInfo, tokens: number): void {
  const limit = Math.min(ctx.limits.promptTokens, info.contextLength);
  if (tokens > limit) {
    throw new HttpError(413, 'E_PAYLOAD_TOO_LARGE', `the prompt is ${tokens} tokens, over the limit of ${limit} (the server's --ctx and prompt limit)`);
  }
}

/**
 * The engine process's door: every frame from the parent passes here before
 * the EngineService sees it. A frame is data from another process, so its
 * shape is checked in full (a `load` with no path, a `chat` whose messages are
 * not messages, a `complete` with a string for maxTokens): a bad frame gets an
 * E_INVALID_ARGUMENT reply naming what is wrong, never reaches the engine,
 * and never throws here. Methods this file does not know pass on to the
 * protocol's own check (isHostToEngine), so a new method needs no change here
 * to work, only to be checked.
 */
import { isHostToEngine, type EngineReply, type HostToEngine } from '../engine-protocol';

type Check = (params: Record<string, unknown>) => string | null;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v);
const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isStrArray = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isBool = (v: unknown): boolean => typeof v === 'boolean';
const optional = (v: unknown, ok: (v: unknown) => boolean): boolean => v === undefined || ok(v);
/** Most ids one detokenize request may carry (a long reply is well under it). */
const MAX_DETOKENIZE = 1 << 20;

function checkLoad(p: Record<string, unknown>): string | null {
  if (typeof p.modelPath !== 'string' || p.modelPath === '') return 'load: params.modelPath must be a non-empty string';
  const o = p.options;
  if (!isObj(o)) return 'load: params.options must be an object';
  if (!optional(o.contextTokens, isInt) || !optional(o.threads, isInt)) return 'load: contextTokens and threads must be integers';
  if (!optional(o.backend, (b) => b === 'auto' || b === 'cpu' || b === 'cuda' || b === 'vulkan')) return 'load: backend must be auto, cpu, cuda or vulkan';
  if (!optional(o.gpuLayers, (g) => g === 'auto' || g === 'all' || isInt(g))) return "load: gpuLayers must be 'auto', 'all' or an integer";
  return null;
}

function checkComplete(p: Record<string, unknown>): string | null {
  const r = p.request;
  if (!isObj(r)) return 'complete: params.request must be an object';
  for (const k of ['path', 'prefix', 'suffix'] as const) if (typeof r[k] !== 'string') return `complete: request.${k} must be a string`;
  if (!Array.isArray(r.chunks) || !r.chunks.every((c) => isObj(c) && typeof c.path === 'string' && typeof c.text === 'string')) {
    return 'complete: request.chunks must be an array of { path, text } strings';
  }
  if (!isInt(r.maxTokens)) return 'complete: request.maxTokens must be an integer';
  if (!isNum(r.timeBudgetMs)) return 'complete: request.timeBudgetMs must be a number';
  if (!isStrArray(r.stop)) return 'complete: request.stop must be an array of strings';
  if (!optional(r.temperature, isNum) || !optional(r.seed, isInt) || !optional(r.spliceDrift, isInt)) {
    return 'complete: temperature must be a number, seed and spliceDrift integers';
  }
  return null;
}

function checkChat(p: Record<string, unknown>): string | null {
  const ok = (m: unknown): boolean => isObj(m) && (m.role === 'system' || m.role === 'user' || m.role === 'assistant') && typeof m.content === 'string';
  if (!Array.isArray(p.messages) || !p.messages.every(ok)) return 'chat: params.messages must be an array of { role: system|user|assistant, content: string }';
  const o = p.options;
  if (!isObj(o) || !isInt(o.maxTokens) || !optional(o.temperature, isNum)) return 'chat: params.options needs an integer maxTokens (and a numeric temperature, if any)';
  return null;
}

function checkGenerate(p: Record<string, unknown>): string | null {
  if (typeof p.prompt !== 'string') return 'generate: params.prompt must be a string';
  const o = p.options;
  if (!isObj(o) || !isInt(o.maxTokens) || !optional(o.temperature, isNum) || !optional(o.seed, isInt)) {
    return 'generate: params.options needs an integer maxTokens (and a numeric temperature and integer seed, if any)';
  }
  if (!optional(o.stop, isStrArray)) return 'generate: options.stop must be an array of strings';
  if (!optional(o.addBos, isBool) || !optional(o.parseSpecial, isBool)) return 'generate: options.addBos and parseSpecial must be booleans';
  return null;
}

/** Per-method parameter checks (the methods whose parameters the engine reads). */
const CHECKS: Record<string, Check> = {
  load: checkLoad,
  complete: checkComplete,
  chat: checkChat,
  generate: checkGenerate,
  countTokens: (p) => (typeof p.text === 'string' ? null : 'countTokens: params.text must be a string'),
  tokenize: (p) =>
    typeof p.text === 'string' && isObj(p.options) && optional(p.options.addBos, isBool) && optional(p.options.parseSpecial, isBool)
      ? null
      : 'tokenize: params.text must be a string and params.options { addBos?, parseSpecial? } booleans',
  detokenize: (p) => (Array.isArray(p.tokens) && p.tokens.length <= MAX_DETOKENIZE && p.tokens.every(isInt) ? null : `detokenize: params.tokens must be an array of at most ${MAX_DETOKENIZE} integers`),
  status: () => null,
  cancel: () => null,
};

export type InboxResult = { ok: true; msg: HostToEngine } | { ok: false; reply: EngineReply };

/** Checks one frame; never throws. A refused frame's reply carries its id (0 when it has none). */
export function checkFrame(frame: unknown): InboxResult {
  try {
    const id = isObj(frame) && isInt(frame.id) ? (frame.id as number) : 0;
    const refuse = (message: string): InboxResult => ({ ok: false, reply: { id, kind: 'error', code: 'E_INVALID_ARGUMENT', message: `malformed request: ${message}` } });
    if (!isObj(frame)) return refuse('not an object');
    if (!isInt(frame.id)) return refuse('id must be an integer');
    if (typeof frame.method !== 'string') return refuse('method must be a string');
    if (!isObj(frame.params)) return refuse('params must be an object');
    const check = Object.prototype.hasOwnProperty.call(CHECKS, frame.method) ? CHECKS[frame.method] : undefined;
    const problem = check ? check(frame.params) : null;
    if (problem) return refuse(problem);
    if (!isHostToEngine(frame)) return refuse(`unknown method '${frame.method.slice(0, 40)}'`);
    return { ok: true, msg: frame };
  } catch (err) {
    // A getter or proxy cannot reach here over IPC, but nothing may throw out of the door.
    return { ok: false, reply: { id: 0, kind: 'error', code: 'E_INVALID_ARGUMENT', message: `malformed request: ${(err as Error)?.message ?? String(err)}` } };
  }
}

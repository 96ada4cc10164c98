/**
 * A llama-server /infill body (the fields llama.vscode and llama.vim send)
 * mapped onto the engine's FimRequest:
 * - input_prefix + prompt -> prefix. llama-server puts `prompt` after the FIM
 *   middle token; llama.vscode sends there the current line up to the cursor,
 *   which is the end of the prefix, so that is where the engine gets it.
 * - input_suffix -> suffix; input_extra [{filename, text}] -> chunks.
 * - n_predict -> maxTokens (-1: up to the context); t_max_prompt_ms +
 *   t_max_predict_ms -> timeBudgetMs.
 * - cache_prompt is accepted and has no effect: the engine always reuses the
 *   cached prefix of its sessions. Other llama-server sampling fields are ignored.
 */
import type { ContextChunk, FimRequest } from '../host/engine-port';
import { invalid, optBool, optInt, optNumber, optStops, optString } from './validate';

/** Tokens generated when n_predict is absent. */
export const DEFAULT_INFILL_TOKENS = 128;
/** Wall-clock budget when neither t_max_* is given, ms. */
export const DEFAULT_INFILL_BUDGET_MS = 30_000;

export interface InfillRequest {
  fim: FimRequest;
  stream: boolean;
}

function parseExtra(v: unknown): ContextChunk[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalid("'input_extra' must be an array of {filename, text}");
  return v.map((c, i) => {
    const { filename, text } = (c ?? {}) as { filename?: unknown; text?: unknown };
    if (typeof text !== 'string') throw invalid(`'input_extra[${i}].text' must be a string`);
    if (filename !== undefined && typeof filename !== 'string') throw invalid(`'input_extra[${i}].filename' must be a string`);
    return { path: filename ?? '', text };
  });
}

export function parseInfillRequest(body: Record<string, unknown>, contextLength: number): InfillRequest {
  const nPredict = optInt(body, 'n_predict', DEFAULT_INFILL_TOKENS, -1, contextLength);
  const promptMs = optInt(body, 't_max_prompt_ms', 0, 0, 3_600_000);
  const predictMs = optInt(body, 't_max_predict_ms', 0, 0, 3_600_000);
  optBool(body, 'cache_prompt', true);
  const temperature = body.temperature === undefined || body.temperature === null ? undefined : optNumber(body, 'temperature', 0, 0, 2);
  const seed = body.seed === undefined || body.seed === null || body.seed === -1 ? undefined : optInt(body, 'seed', 0, 0, Number.MAX_SAFE_INTEGER);
  return {
    stream: optBool(body, 'stream', false),
    fim: {
      path: '',
      chunks: parseExtra(body.input_extra),
      prefix: optString(body, 'input_prefix', '') + optString(body, 'prompt', ''),
      suffix: optString(body, 'input_suffix', ''),
      maxTokens: nPredict < 0 ? contextLength : nPredict,
      timeBudgetMs: promptMs + predictMs > 0 ? promptMs + predictMs : DEFAULT_INFILL_BUDGET_MS,
      stop: optStops(body, 'stop'),
      temperature,
      seed,
    },
  };
}

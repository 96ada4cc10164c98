/**
 * An OpenAI /v1/completions body checked and turned into the engine's terms.
 * - prompt: a string (or an array of one string, as some clients send it),
 *   continued as it is, with no template. Token-id prompts are refused.
 * - suffix (OpenAI's insertion): the prompt and suffix become a
 *   fill-in-the-middle request, formatted with the model's FIM tokens.
 * - Special-token text in the prompt ("<|im_start|>") stays text unless
 *   `parse_special` is true (llama-server's field); BOS is added where the
 *   model wants it unless `add_special` is false.
 * - max_tokens defaults to 16, as OpenAI's does; temperature, seed and stop
 *   are honoured. Fields asking for what is not here (n or best_of above 1,
 *   echo, logprobs) are refused by name rather than ignored.
 */
import type { TextOptions } from '../host/engine-port';
import { invalid, optBool, optInt, optNumber, optStops } from './validate';

/** OpenAI's default for /v1/completions. */
export const DEFAULT_COMPLETION_TOKENS = 16;

export interface CompletionRequest {
  prompt: string;
  /** Present: fill in between prompt and suffix. */
  suffix: string | undefined;
  options: TextOptions;
  stream: boolean;
}

function promptOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  if (Array.isArray(v) && v.length > 1 && v.every((p) => typeof p === 'string')) throw invalid("'prompt' holds several prompts; send one per request");
  throw invalid("'prompt' must be a string (token-id prompts are not supported)");
}

function refuseUnsupported(body: Record<string, unknown>): void {
  for (const name of ['n', 'best_of'] as const) {
    if (body[name] !== undefined && body[name] !== null && body[name] !== 1) throw invalid(`'${name}' must be 1: one choice per request`);
  }
  if (body.echo === true) throw invalid("'echo' is not supported");
  if (body.logprobs !== undefined && body.logprobs !== null && body.logprobs !== false) throw invalid("'logprobs' is not supported");
}

export function parseCompletionRequest(body: Record<string, unknown>, contextLength: number): CompletionRequest {
  const prompt = promptOf(body.prompt);
  refuseUnsupported(body);
  const suffix = body.suffix === undefined || body.suffix === null ? undefined : body.suffix;
  if (suffix !== undefined && typeof suffix !== 'string') throw invalid("'suffix' must be a string");
  const maxTokens = optInt(body, 'max_tokens', Math.min(DEFAULT_COMPLETION_TOKENS, contextLength), 1, contextLength);
  const options: TextOptions = {
    maxTokens,
    temperature: body.temperature === undefined || body.temperature === null ? undefined : optNumber(body, 'temperature', 0, 0, 2),
    stop: optStops(body, 'stop'),
    parseSpecial: optBool(body, 'parse_special', false),
    addBos: optBool(body, 'add_special', true),
  };
  if (body.seed !== undefined && body.seed !== null) options.seed = optInt(body, 'seed', 0, 0, 2 ** 32 - 1);
  if (prompt === '' && suffix === undefined) throw invalid("'prompt' is empty");
  return { prompt, suffix, options, stream: optBool(body, 'stream', false) };
}

/**
 * POST /tokenize and POST /detokenize in llama-server's shapes:
 *   /tokenize   { content, add_special?, parse_special?, with_pieces? } -> { tokens: [id] } or
 *               with_pieces: { tokens: [{ id, piece }] }
 *   /detokenize { tokens: [id] } -> { content }
 * Through the engine process like every other request (the model's own
 * tokenizer, not an estimate).
 */
import { requireModel, type Handler } from '../context';
import { readJsonBody } from '../body';
import { optBool } from '../validate';
import { HttpError, sendJson } from '../http-error';

/** Most ids one /detokenize takes. */
export const MAX_TOKENS_PER_CALL = 1 << 16;
/** Most pieces /tokenize spells out (two engine calls each). */
export const MAX_PIECES = 4096;

export const tokenize: Handler = async (ctx, call) => {
  const body = await readJsonBody(call.req, ctx.limits.bodyBytes);
  requireModel(ctx);
  if (typeof body.content !== 'string') throw new HttpError(400, 'E_INVALID_ARGUMENT', "'content' must be a string");
  const tokens = await ctx.engine.tokenize(body.content, { addBos: optBool(body, 'add_special', false), parseSpecial: optBool(body, 'parse_special', true) });
  call.record.promptTokens = tokens.length;
  if (!optBool(body, 'with_pieces', false)) {
    sendJson(call.res, 200, { tokens }, call.headers);
  } else {
    if (tokens.length > MAX_PIECES) throw new HttpError(413, 'E_PAYLOAD_TOO_LARGE', `with_pieces spells out at most ${MAX_PIECES} tokens; this text has ${tokens.length}`);
    // A token's text as it reads after the one before it: a tokenizer drops a
    // word's leading space when the token is alone, so each piece is the pair's
    // text minus the previous token's. The first is read after itself, so that
    // a SentencePiece "▁Once" is " Once", as llama-server spells it.
    const pieces: { id: number; piece: string }[] = [];
    let prev: { id: number; text: string } | null = null;
    for (const id of tokens) {
      const alone = await ctx.engine.detokenize([id]);
      const before = prev ?? { id, text: alone };
      const piece = (await ctx.engine.detokenize([before.id, id])).slice(before.text.length);
      pieces.push({ id, piece });
      prev = { id, text: alone };
    }
    sendJson(call.res, 200, { tokens: pieces }, call.headers);
  }
  call.record.status = 200;
};

export const detokenize: Handler = async (ctx, call) => {
  const body = await readJsonBody(call.req, ctx.limits.bodyBytes);
  requireModel(ctx);
  const ids = body.tokens;
  if (!Array.isArray(ids) || !ids.every((t) => Number.isInteger(t))) throw new HttpError(400, 'E_INVALID_ARGUMENT', "'tokens' must be an array of integer token ids");
  if (ids.length > MAX_TOKENS_PER_CALL) throw new HttpError(413, 'E_PAYLOAD_TOO_LARGE', `at most ${MAX_TOKENS_PER_CALL} tokens per call; got ${ids.length}`);
  const content = await ctx.engine.detokenize(ids as number[]);
  call.record.generatedTokens = ids.length;
  sendJson(call.res, 200, { content }, call.headers);
  call.record.status = 200;
};

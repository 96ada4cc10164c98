/**
 * POST /infill: llama-server's fill-in-the-middle endpoint (request mapping in
 * infill-request.ts), answered in llama-server's response shape: content,
 * stop, stop_type, tokens_predicted, tokens_evaluated, tokens_cached,
 * generation_settings (n_ctx, n_predict, ...), timings (prompt_n counting the
 * tokens computed, not those reused, as llama-server's does). With
 * `"stream": true` each piece is an SSE event {index, content, stop: false}
 * and the last event carries the rest with `stop: true` and empty content
 * (llama-server sends no [DONE] here). Token counts are the engine's own
 * (the prompt with its FIM markers and context files, the tokens generated;
 * stream-reply.ts usageOf); timings are measured here, the first generated
 * piece marking the end of the prompt.
 */
import { checkPromptTokens, requireModel, type Handler } from '../context';
import { readJsonBody } from '../body';
import { parseInfillRequest } from '../infill-request';
import { llamaStopType } from '../finish-reason';
import { sendJson } from '../http-error';
import { SseWriter } from '../sse';
import { openStream, streamReply, usageOf, type ReplyEvents } from '../stream-reply';

export const infill: Handler = async (ctx, call) => {
  const body = await readJsonBody(call.req, ctx.limits.bodyBytes);
  const info = requireModel(ctx);
  const { fim, stream } = parseInfillRequest(body, info.contextLength);
  const promptText = [...fim.chunks.map((c) => c.text), fim.prefix, fim.suffix].join('');
  const promptTokens = await ctx.engine.countTokens(promptText);
  call.record.promptTokens = promptTokens;
  call.record.prompt = fim.prefix;
  checkPromptTokens(ctx, info, promptTokens);

  const sse = stream ? new SseWriter(call.res) : null;
  const events: ReplyEvents = { piece: (content) => ({ index: 0, content, stop: false }) };
  const state = { opened: false };
  const reply = await streamReply(call, [ctx.gate], sse, events, () => ctx.engine.complete(fim, call.signal), state);
  if (reply === null) return;
  const usage = await usageOf(ctx, reply, promptTokens);
  const predicted = usage.completion_tokens;
  const evaluated = usage.prompt_tokens;
  call.record.promptTokens = evaluated;
  call.record.generatedTokens = predicted;
  const r3 = (x: number): number => Math.round(x * 1000) / 1000;
  const { firstPieceMs: promptMs, generationMs: predictedMs } = reply;
  const final = {
    index: 0,
    content: sse ? '' : reply.text,
    stop: true,
    stop_type: llamaStopType(reply.reason),
    stopping_word: '',
    model: ctx.modelId,
    tokens_predicted: predicted,
    tokens_evaluated: evaluated,
    // What llama.vscode's status bar reads (c: tokens_cached / n_ctx); it fails without generation_settings.
    tokens_cached: reply.evaluatedTokens === undefined ? 0 : evaluated - reply.evaluatedTokens,
    generation_settings: { n_ctx: info.contextLength, n_predict: fim.maxTokens, model: ctx.modelId, temperature: fim.temperature ?? 0, seed: fim.seed ?? -1 },
    truncated: false,
    timings: {
      prompt_n: reply.evaluatedTokens ?? evaluated,
      prompt_ms: r3(promptMs),
      prompt_per_second: promptMs > 0 ? r3(((reply.evaluatedTokens ?? evaluated) * 1000) / promptMs) : null,
      predicted_n: predicted,
      predicted_ms: r3(predictedMs),
      predicted_per_second: predictedMs > 0 ? r3((predicted * 1000) / predictedMs) : null,
    },
  };
  call.record.status = 200;
  if (sse) {
    openStream(sse, call, events, state);
    sse.send(final);
    sse.end();
    return;
  }
  sendJson(call.res, 200, final, call.headers);
};

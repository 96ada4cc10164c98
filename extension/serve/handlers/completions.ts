/**
 * POST /v1/completions: OpenAI's text completion over the engine, the prompt
 * continued as it is (no template), or filled in before a `suffix` with the
 * model's FIM format (completion-request.ts). Streaming sends
 * `text_completion` chunks as SSE (stream-reply.ts).
 */
import { randomUUID } from 'crypto';
import type { TextStream } from '../../host/engine-port';
import { checkPromptTokens, requireModel, type Handler } from '../context';
import { readJsonBody } from '../body';
import { parseCompletionRequest } from '../completion-request';
import { DEFAULT_INFILL_BUDGET_MS } from '../infill-request';
import { SseWriter } from '../sse';
import { endOpenAiReply, streamReply, type ReplyEvents } from '../stream-reply';

export const completions: Handler = async (ctx, call) => {
  const body = await readJsonBody(call.req, ctx.limits.bodyBytes);
  const info = requireModel(ctx);
  const request = parseCompletionRequest(body, info.contextLength);
  const promptTokens = await ctx.engine.countTokens(request.prompt + (request.suffix ?? ''));
  call.record.promptTokens = promptTokens;
  call.record.prompt = request.prompt;
  checkPromptTokens(ctx, info, promptTokens);

  const id = `cmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (text: string, finish: string | null): unknown => ({
    id, object: 'text_completion', created, model: ctx.modelId, choices: [{ index: 0, text, logprobs: null, finish_reason: finish }],
  });
  const sse = request.stream ? new SseWriter(call.res) : null;
  const events: ReplyEvents = { piece: (p) => chunk(p, null) };
  const state = { opened: false };
  const { options, suffix } = request;
  // Raw text runs on the engine's one chat session, so it takes the chat lane; a fill-in goes to the completion sessions.
  const start = (): TextStream => suffix === undefined
    ? ctx.engine.generate(request.prompt, options, call.signal)
    : ctx.engine.complete({
      path: '', chunks: [], prefix: request.prompt, suffix, maxTokens: options.maxTokens, timeBudgetMs: DEFAULT_INFILL_BUDGET_MS,
      stop: options.stop ?? [], temperature: options.temperature, seed: options.seed,
    }, call.signal);
  const gates = suffix === undefined ? [ctx.chatLane, ctx.gate] : [ctx.gate];
  const reply = await streamReply(call, gates, sse, events, start, state);
  if (reply === null) return;
  await endOpenAiReply(ctx, call, reply, promptTokens, sse ? { sse, events, state } : null, {
    lastChunk: (finish) => chunk('', finish) as object,
    whole: (finish, usage) => ({ ...(chunk(reply.text, finish) as object), usage }),
  });
};

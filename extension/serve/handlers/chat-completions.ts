/**
 * POST /v1/chat/completions: OpenAI's chat API over the engine's chat (the
 * model's own template is applied in the engine process). Streaming sends
 * chunks as SSE (stream-reply.ts).
 */
import { randomUUID } from 'crypto';
import { checkPromptTokens, requireModel, type Handler } from '../context';
import { readJsonBody } from '../body';
import { parseChatRequest } from '../chat-request';
import { SseWriter } from '../sse';
import { endOpenAiReply, streamReply, type ReplyEvents } from '../stream-reply';

export const chatCompletions: Handler = async (ctx, call) => {
  const body = await readJsonBody(call.req, ctx.limits.bodyBytes);
  const info = requireModel(ctx);
  const request = parseChatRequest(body, info.contextLength);
  const promptText = request.messages.map((m) => m.content).join('\n');
  // Counted on the message text for the limit check; usage reports the engine's count (template included).
  const promptTokens = await ctx.engine.countTokens(promptText);
  call.record.promptTokens = promptTokens;
  call.record.prompt = promptText;
  checkPromptTokens(ctx, info, promptTokens);

  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, string>, finish: string | null): unknown => ({
    id, object: 'chat.completion.chunk', created, model: ctx.modelId, choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const sse = request.stream ? new SseWriter(call.res) : null;
  const events: ReplyEvents = { opening: () => chunk({ role: 'assistant', content: '' }, null), piece: (p) => chunk({ content: p }, null) };
  const state = { opened: false };
  const reply = await streamReply(call, [ctx.chatLane, ctx.gate], sse, events,
    () => ctx.engine.chat(request.messages, { maxTokens: request.maxTokens, temperature: request.temperature }, call.signal), state);
  if (reply === null) return;
  await endOpenAiReply(ctx, call, reply, promptTokens, sse ? { sse, events, state } : null, {
    lastChunk: (finish) => chunk({}, finish) as object,
    whole: (finish, usage) => ({
      id, object: 'chat.completion', created, model: ctx.modelId,
      choices: [{ index: 0, message: { role: 'assistant', content: reply.text }, finish_reason: finish }],
      usage,
    }),
  });
};

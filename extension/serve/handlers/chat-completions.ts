/**
 * POST /v1/chat/completions: OpenAI's chat API over the engine's chat (the
 * model's own template is applied in the engine process). Streaming sends
 * chunks as SSE; the response starts only with the first generated piece, so
 * an error before it is still a proper HTTP status.
 */
import { randomUUID } from 'crypto';
import { consume } from '../../host/engine-port';
import { checkPromptTokens, requireModel, withGates, type Handler } from '../context';
import { readJsonBody } from '../body';
import { parseChatRequest } from '../chat-request';
import { finishReason } from '../finish-reason';
import { asHttpError, errorBody, sendJson } from '../http-error';
import { SseWriter } from '../sse';

export const chatCompletions: Handler = async (ctx, call) => {
  const body = await readJsonBody(call.req, ctx.limits.bodyBytes);
  const info = requireModel(ctx);
  const request = parseChatRequest(body, info.contextLength);
  const promptText = request.messages.map((m) => m.content).join('\n');
  // Counted on the message text: the template's own tokens are not included.
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
  let text = '';
  let opened = false;
  const open = (): void => {
    opened = true;
    sse?.open(call.headers);
    sse?.send(chunk({ role: 'assistant', content: '' }, null));
  };
  const reason = await withGates([ctx.chatLane, ctx.gate], call.signal, async () => {
    const stream = ctx.engine.chat(request.messages, { maxTokens: request.maxTokens, temperature: request.temperature }, call.signal);
    try {
      return await consume(stream, (piece) => {
        if (sse && !opened) open();
        text += piece;
        sse?.send(chunk({ content: piece }, null));
      });
    } catch (err) {
      if (!sse || !call.res.headersSent || call.signal.aborted) throw err;
      // Mid-stream: the status is sent already, so the error goes as an event.
      const e = asHttpError(err);
      call.record.status = e.status;
      call.record.code = e.code;
      sse.send(errorBody(e));
      call.res.end();
      return null;
    }
  });
  if (reason === null) return;
  const completionTokens = text === '' ? 0 : await ctx.engine.countTokens(text);
  call.record.generatedTokens = completionTokens;
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
  const finish = finishReason(reason);
  call.record.status = 200;
  if (sse) {
    if (!opened) open();
    sse.send({ ...(chunk({}, finish) as object), usage });
    sse.done();
    return;
  }
  sendJson(call.res, 200, {
    id, object: 'chat.completion', created, model: ctx.modelId,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: finish }],
    usage,
  }, call.headers);
};

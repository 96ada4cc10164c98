/**
 * POST /infill: llama-server's fill-in-the-middle endpoint (request mapping in
 * infill-request.ts), answered in llama-server's response shape: content,
 * stop, stop_type, tokens_predicted, tokens_evaluated, timings. Token counts
 * are the text's tokens as the model's tokenizer counts them (the FIM
 * template's own tokens are not included); timings are measured here, the
 * first generated piece marking the end of the prompt.
 */
import { consume } from '../../host/engine-port';
import { checkPromptTokens, requireModel, withGates, type Handler } from '../context';
import { readJsonBody } from '../body';
import { parseInfillRequest } from '../infill-request';
import { llamaStopType } from '../finish-reason';
import { HttpError, sendJson } from '../http-error';

export const infill: Handler = async (ctx, call) => {
  const body = await readJsonBody(call.req, ctx.limits.bodyBytes);
  const info = requireModel(ctx);
  const { fim, stream } = parseInfillRequest(body, info.contextLength);
  if (stream) throw new HttpError(501, 'E_NOT_IMPLEMENTED', "streaming /infill is not implemented by hearth serve yet; send \"stream\": false");
  const promptText = [...fim.chunks.map((c) => c.text), fim.prefix, fim.suffix].join('');
  const promptTokens = await ctx.engine.countTokens(promptText);
  call.record.promptTokens = promptTokens;
  call.record.prompt = fim.prefix;
  checkPromptTokens(ctx, info, promptTokens);

  let content = '';
  const started = performance.now();
  let firstAt: number | null = null;
  const reason = await withGates([ctx.gate], call.signal, () =>
    consume(ctx.engine.complete(fim, call.signal), (piece) => {
      firstAt ??= performance.now();
      content += piece;
    }),
  );
  const ended = performance.now();
  const predicted = content === '' ? 0 : await ctx.engine.countTokens(content);
  call.record.generatedTokens = predicted;
  const promptMs = (firstAt ?? ended) - started;
  const predictedMs = ended - (firstAt ?? ended);
  const r3 = (x: number): number => Math.round(x * 1000) / 1000;
  call.record.status = 200;
  sendJson(call.res, 200, {
    content,
    stop: true,
    stop_type: llamaStopType(reason),
    stopping_word: '',
    model: ctx.modelId,
    tokens_predicted: predicted,
    tokens_evaluated: promptTokens,
    truncated: false,
    timings: {
      prompt_n: promptTokens,
      prompt_ms: r3(promptMs),
      predicted_n: predicted,
      predicted_ms: r3(predictedMs),
      predicted_per_second: predictedMs > 0 ? r3((predicted * 1000) / predictedMs) : null,
    },
  }, call.headers);
};

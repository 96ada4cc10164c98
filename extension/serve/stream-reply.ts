/**
 * Runs one generation for a handler and sends its pieces as they come: as SSE
 * events when the client asked for a stream, else only collected. The
 * response opens with the first piece, so an error before it is still a
 * proper HTTP status; an error after it goes as one last event (the status
 * is sent already) and the handler gets null.
 */
import type { TextStream } from '../host/engine-port';
import type { StopReason } from '../engine/engine';
import { consumeEnd, type StreamEnd } from '../host/engine-port';
import { withGates, type Call, type ServeContext } from './context';
import type { Gate } from './gate';
import { finishReason } from './finish-reason';
import { asHttpError, errorBody, sendJson } from './http-error';
import type { SseWriter } from './sse';

export interface StreamedReply {
  text: string;
  reason: StopReason | undefined;
  /** The engine's exact counts, where it gave them (the local engine does; a fake or remote one may not). */
  promptTokens: number | undefined;
  evaluatedTokens: number | undefined;
  generatedTokens: number | undefined;
  /** ms from the start to the first piece (the end when none came): the prompt's time as seen here. */
  firstPieceMs: number;
  /** ms from the first piece to the end. */
  generationMs: number;
}

export interface ReplyEvents {
  /** Sent once before the first piece (chat's role event), if any. */
  opening?: () => unknown;
  /** The event one piece is sent as. */
  piece: (text: string) => unknown;
}

/** Opens the stream (headers and the opening event) unless it is open already. */
export function openStream(sse: SseWriter, call: Call, events: ReplyEvents, state: { opened: boolean }): void {
  if (state.opened) return;
  state.opened = true;
  sse.open(call.headers);
  if (events.opening) sse.send(events.opening());
}

export async function streamReply(
  call: Call, gates: readonly Gate[], sse: SseWriter | null, events: ReplyEvents, start: () => TextStream, state = { opened: false },
): Promise<StreamedReply | null> {
  let text = '';
  const started = performance.now();
  let firstAt: number | null = null;
  const end = await withGates(gates, call.signal, async (): Promise<StreamEnd | undefined | null> => {
    try {
      return await consumeEnd(start(), (piece) => {
        firstAt ??= performance.now();
        if (sse) openStream(sse, call, events, state);
        text += piece;
        sse?.send(events.piece(piece));
      });
    } catch (err) {
      if (!sse || !call.res.headersSent || call.signal.aborted) throw err;
      const e = asHttpError(err);
      call.record.status = e.status;
      call.record.code = e.code;
      sse.send(errorBody(e));
      call.res.end();
      return null;
    }
  });
  if (end === null) return null;
  const ended = performance.now();
  return { text, reason: end?.reason, promptTokens: end?.promptTokens, evaluatedTokens: end?.evaluatedTokens, generatedTokens: end?.generatedTokens, firstPieceMs: (firstAt ?? ended) - started, generationMs: ended - (firstAt ?? ended) };
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/**
 * A reply's token counts: the engine's own where it gave them (the prompt as
 * evaluated, template or FIM markers included; the tokens generated), else
 * the text's tokens counted by the model's tokenizer (`promptTextTokens`: the
 * count made before the request, for the limit check).
 */
export async function usageOf(ctx: ServeContext, reply: StreamedReply, promptTextTokens: number): Promise<Usage> {
  const prompt = reply.promptTokens ?? promptTextTokens;
  const generated = reply.generatedTokens ?? (reply.text === '' ? 0 : await ctx.engine.countTokens(reply.text));
  return { prompt_tokens: prompt, completion_tokens: generated, total_tokens: prompt + generated };
}

/** What an OpenAI handler sends at the end: the last stream chunk, or the whole answer. */
export interface OpenAiEnding {
  lastChunk: (finish: 'stop' | 'length') => object;
  whole: (finish: 'stop' | 'length', usage: Usage) => object;
}

/**
 * Ends an OpenAI answer: the usage (usageOf) into the log record, then the
 * last chunk with the usage and `data: [DONE]` on a stream, else the whole
 * answer as JSON.
 */
export async function endOpenAiReply(
  ctx: ServeContext, call: Call, reply: StreamedReply, promptTokens: number,
  stream: { sse: SseWriter; events: ReplyEvents; state: { opened: boolean } } | null, ending: OpenAiEnding,
): Promise<void> {
  const usage = await usageOf(ctx, reply, promptTokens);
  call.record.promptTokens = usage.prompt_tokens;
  call.record.generatedTokens = usage.completion_tokens;
  call.record.status = 200;
  const finish = finishReason(reply.reason);
  if (stream) {
    openStream(stream.sse, call, stream.events, stream.state);
    stream.sse.send({ ...ending.lastChunk(finish), usage });
    stream.sse.done();
    return;
  }
  sendJson(call.res, 200, ending.whole(finish, usage), call.headers);
}

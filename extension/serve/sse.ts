/**
 * Server-sent events as OpenAI-compatible and llama-server clients read
 * them: `data: <json>` lines, a blank line after each, and for OpenAI's
 * endpoints `data: [DONE]` at the end.
 */
import type { ServerResponse } from 'http';

export class SseWriter {
  constructor(private readonly res: ServerResponse) {}

  open(headers: Record<string, string>): void {
    this.res.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      // Proxies such as nginx would otherwise hold the stream back.
      'X-Accel-Buffering': 'no',
    });
    this.res.flushHeaders();
  }

  send(data: unknown): void {
    if (!this.res.writableEnded) this.res.write(`data: ${JSON.stringify(data)}\n\n`);
  }

  /** Ends an OpenAI stream: `data: [DONE]`, then the end. */
  done(): void {
    if (this.res.writableEnded) return;
    this.res.write('data: [DONE]\n\n');
    this.res.end();
  }

  /** Ends a llama-server stream (/infill), whose last event says `stop: true` and which sends no [DONE]. */
  end(): void {
    if (!this.res.writableEnded) this.res.end();
  }
}

/**
 * Reads a server-sent-events body as OpenAI-compatible servers write it: one
 * `data: <payload>` line per event, events apart by a blank line, ending with
 * `data: [DONE]`. Yields each event's data; comments and other fields
 * (`event:`, `id:`) carry nothing an OpenAI stream needs.
 */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buffer = '';
  let data: string[] = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // Lines may end with \n, \r\n or \r; the last, unfinished one waits for more bytes.
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = done ? '' : lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') {
          if (data.length > 0) yield data.join('\n');
          data = [];
        } else if (line.startsWith('data:')) {
          data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
        }
      }
      if (done) {
        if (data.length > 0) yield data.join('\n');
        return;
      }
    }
  } finally {
    // A consumer that stops early (abort, error) must not leave the socket open.
    await reader.cancel().catch(() => undefined);
  }
}

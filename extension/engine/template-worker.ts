/**
 * Entry of the chat-template worker thread (dist/template-worker.js): renders
 * chats with engine/chat-template.ts on request from template-sandbox.ts. It
 * lives in a worker so a runaway template can be stopped (terminate()) and
 * its memory capped (resourceLimits) without touching the thread that serves
 * cancels and other requests.
 */
import { parentPort } from 'worker_threads';
import { renderChat, type ChatMessage, type ChatRenderOptions } from './chat-template';

export interface TemplateJob {
  seq: number;
  messages: ChatMessage[];
  options: ChatRenderOptions;
}

export type TemplateJobReply =
  | { seq: number; ok: true; rendered: ReturnType<typeof renderChat> }
  | { seq: number; ok: false; code: string; message: string }
  /** Sent once, after loading: the job clock starts only then. */
  | { seq: 0; ready: true };

parentPort?.on('message', (job: TemplateJob) => {
  let reply: TemplateJobReply;
  try {
    reply = { seq: job.seq, ok: true, rendered: renderChat(job.messages, job.options) };
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    reply = { seq: job.seq, ok: false, code: typeof code === 'string' ? code : 'E_INVALID_ARGUMENT', message: (err as Error)?.message ?? String(err) };
  }
  parentPort?.postMessage(reply);
});
parentPort?.postMessage({ seq: 0, ready: true } satisfies TemplateJobReply);

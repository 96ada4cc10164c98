/**
 * Entry of the chat-template worker process (dist/template-worker.js): renders
 * chats with engine/chat-template.ts on request from template-sandbox.ts. It
 * lives in its own process so a runaway template can be killed and its heap
 * capped (--max-old-space-size) without touching the process that serves
 * cancels and other requests.
 */
import { renderChat, type TemplateMessage, type ChatRenderOptions } from './chat-template';

export interface TemplateJob {
  seq: number;
  messages: TemplateMessage[];
  options: ChatRenderOptions;
}

export type TemplateJobReply =
  | { seq: number; ok: true; rendered: ReturnType<typeof renderChat> }
  | { seq: number; ok: false; code: string; message: string }
  /** Sent once, after loading: the job clock starts only then. */
  | { seq: 0; ready: true };

const send = (reply: TemplateJobReply): void => {
  process.send?.(reply);
};

process.on('message', (job: TemplateJob) => {
  let reply: TemplateJobReply;
  try {
    reply = { seq: job.seq, ok: true, rendered: renderChat(job.messages, job.options) };
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    reply = { seq: job.seq, ok: false, code: typeof code === 'string' ? code : 'E_INVALID_ARGUMENT', message: (err as Error)?.message ?? String(err) };
  }
  send(reply);
});
// The parent going away (its IPC channel closing) ends this process.
process.on('disconnect', () => process.exit(0));
send({ seq: 0, ready: true });

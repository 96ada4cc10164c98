/**
 * An OpenAI chat request body checked and turned into the engine's terms.
 * Message content may be a string or an array of text parts (newer OpenAI
 * clients send parts); other part types are refused, not dropped silently.
 */
import type { ChatMessage, ChatRole } from '../host/engine-port';
import { invalid, optBool, optInt, optNumber } from './validate';

export interface ChatRequest {
  messages: ChatMessage[];
  maxTokens: number;
  temperature: number | undefined;
  stream: boolean;
}

const ROLES: readonly ChatRole[] = ['system', 'user', 'assistant'];
/** Tokens generated when the request does not say (OpenAI leaves it to the server). */
export const DEFAULT_MAX_TOKENS = 512;

function contentText(content: unknown, i: number): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part, j) => {
        const p = part as { type?: unknown; text?: unknown } | null;
        if (p && p.type === 'text' && typeof p.text === 'string') return p.text;
        throw invalid(`'messages[${i}].content[${j}]' must be a {"type":"text","text":...} part; only text is supported`);
      })
      .join('');
  }
  throw invalid(`'messages[${i}].content' must be a string or an array of text parts`);
}

export function parseChatRequest(body: Record<string, unknown>, contextLength: number): ChatRequest {
  const raw = body.messages;
  if (!Array.isArray(raw) || raw.length === 0) throw invalid("'messages' must be a non-empty array of {role, content}");
  const messages = raw.map((m, i): ChatMessage => {
    if (typeof m !== 'object' || m === null) throw invalid(`'messages[${i}]' must be an object with role and content`);
    const { role, content } = m as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !ROLES.includes(role as ChatRole)) throw invalid(`'messages[${i}].role' must be one of ${ROLES.join(', ')}`);
    return { role: role as ChatRole, content: contentText(content, i) };
  });
  // max_completion_tokens is the newer OpenAI name for the same thing.
  const maxName = body.max_completion_tokens !== undefined && body.max_tokens === undefined ? 'max_completion_tokens' : 'max_tokens';
  const maxTokens = optInt(body, maxName, Math.min(DEFAULT_MAX_TOKENS, contextLength), 1, contextLength);
  const temperature = body.temperature === undefined || body.temperature === null ? undefined : optNumber(body, 'temperature', 0, 0, 2);
  return { messages, maxTokens, temperature, stream: optBool(body, 'stream', false) };
}

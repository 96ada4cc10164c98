/**
 * Chat prompt token ids from the model's own chat template (Jinja, via
 * engine/chat-template.ts), with the marker layouts of chat-format.ts only
 * when the model has no template or it cannot be rendered.
 *
 * The template is rendered with each message's content replaced by a unique
 * placeholder; the rendered text is then cut at the placeholders, so the
 * template's own text is tokenized with special parsing on (its markers become
 * control tokens) and user/model text with it off (typing "<|im_end|>" in a
 * chat can never end a turn). Content is tokenized apart from the template
 * text around it; templates that rewrite content (e.g. trim it) lose that
 * rewrite here.
 */
import type { RenderedChat } from '../../engine/chat-template';
import { stripReasoning } from '../../engine/reasoning';
import { renderChatBounded } from '../../engine/template-sandbox';
import type { ChatMessage } from '../engine-port';
import { chatPrompt, detectChatFormat } from './chat-format';
import { EngineError } from '../../engine/errors';

export interface ChatTokenizer {
  tokenize(text: string, opts: { parseSpecial: boolean }): number[];
  tokenText(id: number): string;
  bos: number | null;
  eos: number | null;
  addBos: boolean;
  chatTemplate: string | null;
}

export interface ChatTokens {
  tokens: number[];
  /** Stop strings on top of the model's end-of-generation tokens. */
  stops: string[];
  via: RenderedChat['via'] | 'markers';
  templateError?: string;
}

const TURN_ENDS = ['<|im_end|>', '<|eot_id|>', '<|end|>', '<end_of_turn>', '<|EOT|>'];

const placeholder = (i: number): string => `\u0000HEARTH-MSG-${i}\u0000`;

function specialIds(tok: ChatTokenizer, text: string): number[] {
  if (text === '') return [];
  const ids = tok.tokenize(text, { parseSpecial: true });
  if (ids.length === 1 && tok.tokenText(ids[0]) === text) return ids;
  throw new EngineError('E_MODEL_UNSUPPORTED', `this model's vocabulary has no single token for ${text}, which its chat format needs`);
}

/** The template's rendering cut at each content placeholder, or null when some placeholder went missing. */
function splitAtPlaceholders(text: string, count: number): string[] | null {
  const pieces: string[] = [];
  let from = 0;
  for (let i = 0; i < count; i++) {
    const at = text.indexOf(placeholder(i), from);
    if (at < 0) return null;
    pieces.push(text.slice(from, at));
    from = at + placeholder(i).length;
  }
  pieces.push(text.slice(from));
  return pieces.some((p) => p.includes('\u0000HEARTH-MSG-')) ? null : pieces;
}

/**
 * The template runs from the model file, so it renders off this thread within
 * time and memory limits (engine/template-sandbox.ts): a runaway one fails
 * with E_TEMPLATE_LIMIT, and aborting `signal` ends the render.
 */
export async function chatTokens(tok: ChatTokenizer, history: readonly ChatMessage[], signal?: AbortSignal): Promise<ChatTokens> {
  // Earlier answers go back without their reasoning (engine/reasoning.ts).
  const messages = history.map((m) => (m.role === 'assistant' ? { ...m, content: stripReasoning(m.content) } : m));
  const bos = tok.bos !== null ? tok.tokenText(tok.bos) : '';
  const rendered = await renderChatBounded(messages.map((m, i) => ({ role: m.role, content: placeholder(i) })), {
    template: tok.chatTemplate,
    bosToken: bos,
    eosToken: tok.eos !== null ? tok.tokenText(tok.eos) : '',
    stripLeadingBos: tok.addBos,
  }, signal);
  let templateError = rendered.templateError;
  if (rendered.via === 'template' || rendered.via === 'template-merged-system') {
    const pieces = splitAtPlaceholders(rendered.text, messages.length);
    if (pieces) {
      // 'template-merged-system' folded the system message into the first user
      // turn: the piece between placeholders 0 and 1 is our own separator.
      const merged = rendered.via === 'template-merged-system';
      const out: number[] = tok.addBos && tok.bos !== null ? [tok.bos] : [];
      pieces.forEach((p, i) => {
        if (p) out.push(...tok.tokenize(p, { parseSpecial: !(merged && i === 1) }));
        if (i < messages.length && messages[i].content) out.push(...tok.tokenize(messages[i].content, { parseSpecial: false }));
      });
      // End-of-turn markers the template uses, in case the vocab does not mark them end-of-generation.
      const stops = TURN_ENDS.filter((m) => rendered.text.includes(m));
      return { tokens: out, stops, via: rendered.via };
    }
    templateError = 'the template changes message content (placeholders not found)';
  }
  // No usable template: marker layouts picked from the template text (or plain text).
  const layout = chatPrompt(detectChatFormat(tok.chatTemplate), [...messages]);
  const out: number[] = tok.addBos && tok.bos !== null ? [tok.bos] : [];
  for (const p of layout.parts) {
    if ('special' in p) out.push(...specialIds(tok, p.special));
    else if (p.text) out.push(...tok.tokenize(p.text, { parseSpecial: false }));
  }
  return { tokens: out, stops: layout.stops, via: 'markers', templateError };
}

/**
 * Chat prompts from a model's tokenizer.chat_template (Jinja, rendered with
 * @huggingface/jinja the way transformers does: trim_blocks, lstrip_blocks),
 * with built-in ChatML and Llama 3 formats when a model has no template or
 * its template cannot be rendered. Pure: no engine, no I/O.
 */
import { Template } from '@huggingface/jinja';
import type { TokenizerLike } from './tokenizer';
import { EngineError } from './errors';

/** One message as a chat template renders it (a template may know roles beyond these three). */
export interface TemplateMessage {
  role: 'system' | 'user' | 'assistant' | (string & {});
  content: string;
}

export type ChatFormat = 'chatml' | 'llama3';

export interface ChatRenderOptions {
  /** tokenizer.chat_template; null/undefined/empty uses the fallback. */
  template?: string | null;
  /** Text of the BOS/EOS tokens, passed to the template as bos_token/eos_token. */
  bosToken?: string;
  eosToken?: string;
  /** End with the opening of the assistant's turn. Default true. */
  addGenerationPrompt?: boolean;
  /** Format used without a usable template. Default 'chatml'. */
  fallback?: ChatFormat;
  /**
   * The tokenizer will prepend BOS itself (add_bos): drop a leading bos_token
   * the template rendered so the prompt does not start with two. Default false.
   */
  stripLeadingBos?: boolean;
  /**
   * Longest rendering accepted, in UTF-16 code units; a longer one fails with
   * E_TEMPLATE_LIMIT instead of falling back (a template that balloons is
   * hostile or broken, not merely unsupported). Default: no limit.
   */
  maxOutputChars?: number;
}

export interface RenderedChat {
  text: string;
  /**
   * 'template': the model's template; 'template-merged-system': the template
   * refused a system message (e.g. Gemma), so it went into the first user
   * turn; otherwise the fallback format used.
   */
  via: 'template' | 'template-merged-system' | ChatFormat;
  /** Why the template was not used, when it was not. */
  templateError?: string;
}

const compiled = new Map<string, Template>();

function compile(source: string): Template {
  let t = compiled.get(source);
  if (!t) {
    t = new Template(source);
    if (compiled.size > 16) compiled.clear();  // a handful of models per session
    compiled.set(source, t);
  }
  return t;
}

/** ChatML (Qwen, many fine-tunes): <|im_start|>role\ncontent<|im_end|>\n. */
export function renderChatml(messages: readonly TemplateMessage[], addGenerationPrompt = true): string {
  let out = '';
  for (const m of messages) out += `<|im_start|>${m.role}\n${m.content}<|im_end|>\n`;
  if (addGenerationPrompt) out += '<|im_start|>assistant\n';
  return out;
}

/** Llama 3 headers; content is trimmed as Meta's template does. BOS is left to the tokenizer. */
export function renderLlama3(messages: readonly TemplateMessage[], addGenerationPrompt = true): string {
  let out = '';
  for (const m of messages) out += `<|start_header_id|>${m.role}<|end_header_id|>\n\n${m.content.trim()}<|eot_id|>`;
  if (addGenerationPrompt) out += '<|start_header_id|>assistant<|end_header_id|>\n\n';
  return out;
}

export function renderFallback(format: ChatFormat, messages: readonly TemplateMessage[], addGenerationPrompt = true): string {
  return format === 'llama3' ? renderLlama3(messages, addGenerationPrompt) : renderChatml(messages, addGenerationPrompt);
}

/** The fallback that suits a vocabulary: Llama 3 headers when it has them, else ChatML. */
export function fallbackForVocab(hasToken: (text: string) => boolean): ChatFormat {
  return hasToken('<|start_header_id|>') && hasToken('<|eot_id|>') ? 'llama3' : 'chatml';
}

/** System content folded into the first user message (for templates without a system role). */
function mergeSystem(messages: readonly TemplateMessage[]): TemplateMessage[] | undefined {
  if (messages.length < 2 || messages[0].role !== 'system' || messages[1].role !== 'user') return undefined;
  return [{ role: 'user', content: `${messages[0].content}\n\n${messages[1].content}` }, ...messages.slice(2)];
}

function validate(messages: readonly TemplateMessage[]): void {
  if (!Array.isArray(messages)) throw new TypeError('messages must be an array');
  for (const [i, m] of messages.entries()) {
    if (!m || typeof m.role !== 'string' || typeof m.content !== 'string') {
      throw new TypeError(`messages[${i}] must be { role: string, content: string }`);
    }
  }
}

export function renderChat(messages: readonly TemplateMessage[], options: ChatRenderOptions = {}): RenderedChat {
  validate(messages);
  const addGenerationPrompt = options.addGenerationPrompt ?? true;
  const bos = options.bosToken ?? '';
  const finish = (text: string): string =>
    options.stripLeadingBos && bos.length > 0 && text.startsWith(bos) ? text.slice(bos.length) : text;
  const source = options.template ?? '';
  let templateError: string | undefined;
  if (source.trim().length > 0) {
    const context = (msgs: readonly TemplateMessage[]): Record<string, unknown> => ({
      messages: msgs.map((m) => ({ role: m.role, content: m.content })),
      bos_token: bos,
      eos_token: options.eosToken ?? '',
      add_generation_prompt: addGenerationPrompt,
    });
    const limit = options.maxOutputChars ?? Infinity;
    const render = (template: Template, msgs: readonly TemplateMessage[]): string => {
      const text = template.render(context(msgs));
      if (text.length > limit) throw new EngineError('E_TEMPLATE_LIMIT', `the chat template rendered ${text.length} characters, more than the limit of ${limit}`);
      return text;
    };
    const isLimit = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 'E_TEMPLATE_LIMIT';
    try {
      const template = compile(source);
      try {
        return { text: finish(render(template, messages)), via: 'template' };
      } catch (err) {
        const merged = mergeSystem(messages);
        if (!merged || isLimit(err)) throw err;
        try {
          return { text: finish(render(template, merged)), via: 'template-merged-system' };
        } catch (err2) {
          throw isLimit(err2) ? err2 : err;
        }
      }
    } catch (err) {
      if (isLimit(err)) throw err;
      templateError = (err as Error).message;
    }
  } else {
    templateError = 'no chat template';
  }
  const format = options.fallback ?? 'chatml';
  return { text: renderFallback(format, messages, addGenerationPrompt), via: format, templateError };
}

/**
 * Render options for a model: its template, the texts of its BOS/EOS (EOT
 * preferred, as chat turns end with it), BOS stripping when the tokenizer
 * adds BOS itself, and the fallback its vocab suits.
 */
export function chatOptionsFor(tok: TokenizerLike, template: string | null | undefined): ChatRenderOptions {
  const sp = tok.specialIds;
  const text = (id: number): string => (id >= 0 ? tok.tokenText(id) : '');
  const hasToken = (t: string): boolean => {
    const ids = tok.tokenize(t, { parseSpecial: true });
    return ids.length === 1 && tok.tokenText(ids[0]) === t;
  };
  return {
    template,
    bosToken: text(sp.bos),
    eosToken: text(sp.eot >= 0 ? sp.eot : sp.eos),
    addGenerationPrompt: true,
    fallback: fallbackForVocab(hasToken),
    stripLeadingBos: sp.addBos,
  };
}

/**
 * Fallback chat layouts for models whose chat template is missing or cannot
 * be rendered (chat-prompt.ts tries the template first): ChatML, Llama 3,
 * Llama 2 [INST] picked by the markers the template text uses, and plain
 * "User:/Assistant:" text for models without any template.
 */
import type { ChatMessage } from '../engine-port';

/** A special-token spelling (one control token) or plain text (no special parsing). */
export type PromptPart = { special: string } | { text: string };

export type ChatFormatName = 'chatml' | 'llama3' | 'llama2' | 'plain';

export function detectChatFormat(template: string | null): ChatFormatName {
  if (!template) return 'plain';
  if (template.includes('<|im_start|>')) return 'chatml';
  if (template.includes('<|start_header_id|>')) return 'llama3';
  if (template.includes('[INST]')) return 'llama2';
  return 'plain';
}

export interface ChatLayout {
  parts: PromptPart[];
  stops: string[];
}

export function chatPrompt(format: ChatFormatName, messages: ChatMessage[]): ChatLayout {
  const sp = (special: string): PromptPart => ({ special });
  const tx = (text: string): PromptPart => ({ text });
  switch (format) {
    case 'chatml':
      return {
        parts: [...messages.flatMap((m) => [sp('<|im_start|>'), tx(`${m.role}\n${m.content}`), sp('<|im_end|>'), tx('\n')]), sp('<|im_start|>'), tx('assistant\n')],
        stops: ['<|im_end|>', '<|im_start|>', '<|endoftext|>'],
      };
    case 'llama3':
      return {
        parts: [...messages.flatMap((m) => [sp('<|start_header_id|>'), tx(m.role), sp('<|end_header_id|>'), tx(`\n\n${m.content}`), sp('<|eot_id|>')]), sp('<|start_header_id|>'), tx('assistant'), sp('<|end_header_id|>'), tx('\n\n')],
        stops: ['<|eot_id|>', '<|start_header_id|>'],
      };
    case 'llama2': {
      const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
      const parts: PromptPart[] = [];
      let first = true;
      for (const m of messages) {
        if (m.role === 'user') {
          const sys = first && system ? `<<SYS>>\n${system}\n<</SYS>>\n\n` : '';
          parts.push(tx(`[INST] ${sys}${m.content} [/INST]`));
          first = false;
        } else if (m.role === 'assistant') parts.push(tx(` ${m.content} `));
      }
      return { parts, stops: ['[INST]'] };
    }
    case 'plain':
      return {
        parts: [tx(messages.map((m) => `${m.role === 'user' ? 'User' : m.role === 'assistant' ? 'Assistant' : 'System'}: ${m.content}`).join('\n\n') + '\n\nAssistant:')],
        stops: ['\nUser:', '\nSystem:'],
      };
  }
}

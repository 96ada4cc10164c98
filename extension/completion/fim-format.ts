/**
 * Which FIM family a vocabulary belongs to, from the marker spellings it
 * contains: used on the host side to describe a model before it is loaded
 * (gguf-peek). Prompts themselves are built in one place, engine/fim.ts,
 * which both the engine process and `hearth complete` use.
 */
import type { FimFormatName } from '../host/engine-port';
import { isMellumPre } from '../engine/fim';

export function detectFimFormat(hasToken: (text: string) => boolean, pre?: string): FimFormatName | null {
  if (hasToken('<|fim_prefix|>') && hasToken('<|fim_middle|>')) return 'qwen';
  if (hasToken('<｜fim▁begin｜>')) return 'deepseek';
  if (hasToken('<fim_prefix>') && hasToken('<fim_middle>')) return isMellumPre(pre) ? 'mellum' : 'starcoder';
  if (hasToken('[SUFFIX]') && hasToken('[PREFIX]')) return 'codestral';
  if (hasToken('<PRE>') && hasToken('<MID>')) return 'codellama';
  return null;
}

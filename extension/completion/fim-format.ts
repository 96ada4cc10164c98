/**
 * FIM prompt layout per model family, with the stop strings each family
 * needs. A prompt is a list of parts: special-token spellings (which the
 * engine maps to single special ids) and plain text (tokenized with special
 * parsing off, so user code can never turn into a control token).
 */
import type { FimFormatName, FimRequest } from '../host/engine-port';

export type PromptPart = { special: string } | { text: string };

export interface FimFormat {
  name: FimFormatName;
  /** Extra strings that end a completion. */
  stops: string[];
  parts(request: Pick<FimRequest, 'path' | 'chunks' | 'prefix' | 'suffix'>, repoLevel: boolean): PromptPart[];
}

const sp = (special: string): PromptPart => ({ special });
const tx = (text: string): PromptPart => ({ text });

/** The prompt as one string (for display, logs and the fake engine). */
export function renderParts(parts: PromptPart[]): string {
  return parts.map((p) => ('special' in p ? p.special : p.text)).join('');
}

const QWEN: FimFormat = {
  name: 'qwen',
  stops: ['<|endoftext|>', '<|fim_pad|>', '<|file_sep|>', '<|repo_name|>', '<|im_start|>', '<|im_end|>',
    '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>'],
  parts(r, repoLevel) {
    const fim = [sp('<|fim_prefix|>'), tx(r.prefix), sp('<|fim_suffix|>'), tx(r.suffix), sp('<|fim_middle|>')];
    if (!repoLevel) return fim;
    // Repo level: other files first (the stable start of the prompt), then this file's path.
    const files = r.chunks.flatMap((c) => [sp('<|file_sep|>'), tx(`${c.path}\n${c.text}`)]);
    return [sp('<|repo_name|>'), tx('workspace\n'), ...files, sp('<|file_sep|>'), tx(`${r.path}\n`), ...fim];
  },
};

const DEEPSEEK: FimFormat = {
  name: 'deepseek',
  stops: ['<｜end▁of▁sentence｜>', '<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>'],
  parts: (r) => [sp('<｜fim▁begin｜>'), tx(r.prefix), sp('<｜fim▁hole｜>'), tx(r.suffix), sp('<｜fim▁end｜>')],
};

const STARCODER: FimFormat = {
  name: 'starcoder',
  stops: ['<|endoftext|>', '<file_sep>', '<fim_prefix>', '<fim_suffix>', '<fim_middle>'],
  parts(r, repoLevel) {
    const ctx = repoLevel ? [...r.chunks.flatMap((c) => [sp('<file_sep>'), tx(`${c.path}\n${c.text}`)]), sp('<file_sep>'), tx(`${r.path}\n`)] : [];
    return [...ctx, sp('<fim_prefix>'), tx(r.prefix), sp('<fim_suffix>'), tx(r.suffix), sp('<fim_middle>')];
  },
};

const CODELLAMA: FimFormat = {
  name: 'codellama',
  stops: ['<EOT>', '<PRE>', '<SUF>', '<MID>'],
  parts: (r) => [sp('<PRE>'), tx(` ${r.prefix} `), sp('<SUF>'), tx(r.suffix), tx(' '), sp('<MID>')],
};

const CODESTRAL: FimFormat = {
  name: 'codestral',
  stops: ['[PREFIX]', '[SUFFIX]', '\n+++++ '],
  parts(r, repoLevel) {
    const ctx = repoLevel ? r.chunks.map((c) => tx(`+++++ ${c.path}\n${c.text}\n`)) : [];
    return [...ctx, sp('[SUFFIX]'), tx(r.suffix), sp('[PREFIX]'), tx(r.prefix)];
  },
};

const FORMATS: Record<FimFormatName, FimFormat> = {
  qwen: QWEN,
  deepseek: DEEPSEEK,
  starcoder: STARCODER,
  codellama: CODELLAMA,
  codestral: CODESTRAL,
};

export function fimFormat(name: FimFormatName): FimFormat {
  return FORMATS[name];
}

/** Which family a vocabulary belongs to, from the FIM token spellings it contains. */
export function detectFimFormat(hasToken: (text: string) => boolean): FimFormatName | null {
  if (hasToken('<|fim_prefix|>') && hasToken('<|fim_middle|>')) return 'qwen';
  if (hasToken('<｜fim▁begin｜>')) return 'deepseek';
  if (hasToken('<fim_prefix>') && hasToken('<fim_middle>')) return 'starcoder';
  if (hasToken('[SUFFIX]') && hasToken('[PREFIX]')) return 'codestral';
  if (hasToken('<PRE>') && hasToken('<MID>')) return 'codellama';
  return null;
}

/**
 * FIM prompt text per model family, with the stop strings each family needs.
 * The token spellings are the families' documented special tokens; the engine
 * must map them to special ids and never let user text become one.
 */
import type { FimFormatName, FimRequest } from '../host/engine-port';

export interface FimFormat {
  name: FimFormatName;
  /** Extra strings that end a completion. */
  stops: string[];
  render(request: Pick<FimRequest, 'path' | 'chunks' | 'prefix' | 'suffix'>, repoLevel: boolean): string;
}

const QWEN: FimFormat = {
  name: 'qwen',
  stops: ['<|endoftext|>', '<|fim_pad|>', '<|file_sep|>', '<|repo_name|>', '<|im_start|>', '<|im_end|>',
    '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>'],
  render(r, repoLevel) {
    const fim = `<|fim_prefix|>${r.prefix}<|fim_suffix|>${r.suffix}<|fim_middle|>`;
    if (!repoLevel) return fim;
    // Repo level: other files first (stable), then the current file's path.
    const files = r.chunks.map((c) => `<|file_sep|>${c.path}\n${c.text}`).join('');
    return `<|repo_name|>workspace\n${files}<|file_sep|>${r.path}\n${fim}`;
  },
};

const DEEPSEEK: FimFormat = {
  name: 'deepseek',
  stops: ['<｜end▁of▁sentence｜>', '<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>'],
  render: (r) => `<｜fim▁begin｜>${r.prefix}<｜fim▁hole｜>${r.suffix}<｜fim▁end｜>`,
};

const STARCODER: FimFormat = {
  name: 'starcoder',
  stops: ['<|endoftext|>', '<file_sep>', '<fim_prefix>', '<fim_suffix>', '<fim_middle>'],
  render(r, repoLevel) {
    const ctx = repoLevel ? r.chunks.map((c) => `<file_sep>${c.path}\n${c.text}`).join('') + `<file_sep>${r.path}\n` : '';
    return `${ctx}<fim_prefix>${r.prefix}<fim_suffix>${r.suffix}<fim_middle>`;
  },
};

const CODELLAMA: FimFormat = {
  name: 'codellama',
  stops: ['<EOT>', '<PRE>', '<SUF>', '<MID>'],
  render: (r) => `<PRE> ${r.prefix} <SUF>${r.suffix} <MID>`,
};

const CODESTRAL: FimFormat = {
  name: 'codestral',
  stops: ['[PREFIX]', '[SUFFIX]', '\n+++++ '],
  render(r, repoLevel) {
    const ctx = repoLevel ? r.chunks.map((c) => `+++++ ${c.path}\n${c.text}\n`).join('') : '';
    return `${ctx}[SUFFIX]${r.suffix}[PREFIX]${r.prefix}`;
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

/**
 * Fill-in-the-middle prompts, built from token ids so that user text can never
 * turn into control tokens: each family's markers are looked up in the vocab
 * and spliced between separately tokenized pieces of text. Pure over a
 * TokenizerLike, shared by the completion provider and `hearth complete`.
 *
 *   Qwen2.5-Coder   [<|repo_name|>r\n (<|file_sep|>path\ncode)*  <|file_sep|>path\n]
 *                   <|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>typed
 *   DeepSeek-Coder  <｜fim▁begin｜>[#path\ncode\n]*P<｜fim▁hole｜>S<｜fim▁end｜>typed
 *   StarCoder2      [<repo_name>r][<file_sep>path\ncode]*[<file_sep>]<fim_prefix>[path\n]P<fim_suffix>S<fim_middle>typed
 *   Mellum          [<filename>path\ncode]*[<filename>path\n]<fim_suffix>S<fim_prefix>P<fim_middle>typed
 *                   (StarCoder's markers, suffix first: JetBrains trained it S-P-M)
 *   CodeLlama       <PRE> P <SUF>S <MID>typed      (markers are ▁<PRE> etc.; text keeps SPM's space)
 *   Codestral       [SUFFIX]S[PREFIX][+++++ path\ncode\n\n]*P typed   (suffix first)
 *   other FIM vocab <FIM_PRE>P<FIM_SUF>S<FIM_MID>typed (llama.cpp's default order)
 *
 * BOS goes first when the vocab asks for it (add_bos), as llama.cpp's infill does.
 */
import { EngineError } from './errors';
import type { NativeGenerateOptions } from './native-model';
import type { TokenizerLike } from './tokenizer';

/** Code models with FIM tokens, named for users who picked a model without them (one list for every message). */
export const FIM_MODEL_EXAMPLES = 'Qwen2.5-Coder, Qwen3-Coder, DeepSeek-Coder, StarCoder2, CodeGemma, Mellum, CodeLlama or Codestral';

/** The FIM prompt formats, one list (a remote server's model meta names one of them). */
export const FIM_FAMILIES = ['qwen', 'deepseek', 'starcoder', 'mellum', 'codellama', 'codestral', 'generic'] as const;
export type FimFamily = (typeof FIM_FAMILIES)[number];

export interface FimSpec {
  family: FimFamily;
  pre: number;
  suf: number;
  mid: number;
  /** Repo-level markers where the family has them (-1 otherwise). */
  repo: number;
  fileSep: number;
  bos: number;
  addBos: boolean;
  /** Tokens that end the completion: EOS/EOT, the family's markers, chat tokens. */
  stopIds: number[];
  /** Text that ends the completion when it appears in the output. */
  stopStrings: string[];
}

/** One chunk of another file, for repo-level context. */
export interface ContextChunk {
  path: string;
  text: string;
}

/**
 * One fill-in-the-middle completion: the one request type from the
 * completion provider (completion/fim-prompt.ts cuts it to its token
 * budgets) through the engine port and protocol to buildFimPrompt here and
 * the session's generation options (its sampling fields are the binding's,
 * described once in NativeGenerateOptions).
 */
export interface FimRequest extends Pick<NativeGenerateOptions, 'temperature' | 'seed' | 'spliceDrift'> {
  /** Relative path of the file being edited (repo-level formats name it). */
  path: string;
  /** Other files' chunks, most stable first; the prompt keeps this order. */
  chunks: readonly ContextChunk[];
  /** Text before the cursor (without the line being typed if `typed` is used). */
  prefix: string;
  /** Text after the cursor. */
  suffix: string;
  /**
   * The part of the current line already typed; goes after the middle marker
   * so the large prefix stays byte-identical between keystrokes (KV reuse).
   */
  typed?: string;
  /** The repository's name in repo-level formats (default 'repo'). */
  repoName?: string;
  /** Keep at most this many prefix tokens (the ones nearest the cursor). */
  maxPrefixTokens?: number;
  /** Keep at most this many suffix tokens (the ones nearest the cursor). */
  maxSuffixTokens?: number;
  /** Tokens to generate at most. */
  maxTokens: number;
  /** Wall-clock budget for prompt + generation, ms. */
  timeBudgetMs: number;
  /** Extra stop strings on top of the model's own end tokens. */
  stop: string[];
  /**
   * The same place cut to a short window (the nearest lines): the engine
   * answers from it when the full window is not cached and would take too
   * long to evaluate, and fills the full window in the background.
   */
  shortWindow?: { prefix: string; suffix: string };
}

/** What buildFimPrompt reads of a request: the text, and the prompt-shaping fields where given. */
export type FimPromptInput = Pick<FimRequest, 'prefix' | 'suffix'> &
  Partial<Pick<FimRequest, 'path' | 'chunks' | 'typed' | 'repoName' | 'maxPrefixTokens' | 'maxSuffixTokens'>>;

export interface FimPrompt {
  family: FimFamily;
  tokens: Int32Array;
  stopIds: number[];
  stopStrings: string[];
}

/** JetBrains' Mellum vocabularies (tokenizer.ggml.pre): StarCoder's markers in S-P-M order. */
export function isMellumPre(pre: string | undefined): boolean {
  return pre === 'mellum' || pre === 'mellum2';
}

/**
 * The FIM family of a vocabulary from the marker spellings it contains, for a
 * model not loaded yet (the GGUF header's token list: host/gguf-peek.ts).
 * `detectFim` below decides the same for a loaded tokenizer and finds the ids.
 */
export function detectFimFormat(hasToken: (text: string) => boolean, pre?: string): FimFamily | null {
  if (hasToken('<|fim_prefix|>') && hasToken('<|fim_middle|>')) return 'qwen';
  if (hasToken('<｜fim▁begin｜>')) return 'deepseek';
  if (hasToken('<fim_prefix>') && hasToken('<fim_middle>')) return isMellumPre(pre) ? 'mellum' : 'starcoder';
  if (hasToken('[SUFFIX]') && hasToken('[PREFIX]')) return 'codestral';
  if (hasToken('<PRE>') && hasToken('<MID>')) return 'codellama';
  return null;
}

/** The id of a token whose text is exactly `text`, or -1. */
export function findToken(tok: TokenizerLike, text: string): number {
  const ids = tok.tokenize(text, { parseSpecial: true });
  return ids.length === 1 && tok.tokenText(ids[0]) === text ? ids[0] : -1;
}

function textOf(tok: TokenizerLike, id: number): string {
  return id >= 0 ? tok.tokenText(id) : '';
}

function firstFound(tok: TokenizerLike, texts: readonly string[]): number {
  for (const t of texts) {
    const id = findToken(tok, t);
    if (id >= 0) return id;
  }
  return -1;
}

const FAMILY_STOPS: Record<FimFamily, { ids: string[]; strings: string[] }> = {
  // CodeGemma shares the qwen markers; it ends a file with <|file_separator|>.
  qwen: { ids: ['<|endoftext|>', '<|fim_pad|>', '<|file_sep|>', '<|repo_name|>', '<|im_start|>', '<|im_end|>', '<|file_separator|>'], strings: [] },
  deepseek: { ids: ['<\uff5cend\u2581of\u2581sentence\uff5c>', '<|EOT|>'], strings: [] },
  starcoder: { ids: ['<|endoftext|>', '<file_sep>', '<repo_name>', '<fim_pad>'], strings: [] },
  mellum: { ids: ['<|endoftext|>', '<filename>', '<file_sep>', '<reponame>', '<repo_name>', '<fim_pad>'], strings: [] },
  codellama: { ids: ['\u2581<EOT>', '<EOT>'], strings: [] },
  codestral: { ids: ['[PREFIX]', '[SUFFIX]', '[MIDDLE]'], strings: ['\n+++++ '] },
  generic: { ids: [], strings: [] },
};

/**
 * Finds the FIM format of a vocabulary from its FIM token ids (GGUF metadata
 * or llama.cpp's text-based fallback) and marker names. Throws EngineError
 * E_MODEL_NO_FIM when it has none.
 */
export function detectFim(tok: TokenizerLike): FimSpec {
  const sp = tok.specialIds;
  let pre = sp.fimPre;
  let suf = sp.fimSuf;
  let mid = sp.fimMid;
  let family: FimFamily | undefined;
  const preText = textOf(tok, pre);
  if (preText === '<|fim_prefix|>') family = 'qwen';
  else if (preText === '<\uff5cfim\u2581begin\uff5c>') family = 'deepseek';
  else if (preText === '<fim_prefix>' || preText === '<fim-prefix>') family = isMellumPre(tok.preTokenizer) ? 'mellum' : 'starcoder';
  else if (preText === '<PRE>' || preText === '\u2581<PRE>') family = 'codellama';
  if (!family) {
    // Codestral's markers are not in llama.cpp's list; look them up by name.
    const p = findToken(tok, '[PREFIX]');
    const s = findToken(tok, '[SUFFIX]');
    if (p >= 0 && s >= 0) {
      family = 'codestral';
      pre = p;
      suf = s;
      mid = findToken(tok, '[MIDDLE]');
    }
  }
  if (!family && pre >= 0 && suf >= 0 && mid >= 0) family = 'generic';
  if (!family || pre < 0 || suf < 0 || (family !== 'codestral' && mid < 0)) {
    throw new EngineError('E_MODEL_NO_FIM', `this model has no fill-in-the-middle tokens (FIM prefix/suffix/middle); use a code model such as ${FIM_MODEL_EXAMPLES}`);
  }
  let repo = sp.fimRep;
  let fileSep = sp.fimSep;
  if (family === 'starcoder') {
    if (repo < 0) repo = firstFound(tok, ['<repo_name>', '<reponame>']);
    if (fileSep < 0) fileSep = firstFound(tok, ['<file_sep>', '<filename>']);
  } else if (family === 'mellum') {
    if (fileSep < 0) fileSep = firstFound(tok, ['<filename>', '<file_sep>']);
  } else if (family === 'qwen') {
    if (repo < 0) repo = findToken(tok, '<|repo_name|>');
    if (fileSep < 0) fileSep = findToken(tok, '<|file_sep|>');
  }
  const stops = new Set<number>();
  for (const id of [sp.eos, sp.eot, sp.fimPad, pre, suf, mid]) if (id >= 0) stops.add(id);
  for (const t of FAMILY_STOPS[family].ids) {
    const id = findToken(tok, t);
    if (id >= 0) stops.add(id);
  }
  if (family === 'qwen' || family === 'starcoder' || family === 'mellum') {
    for (const id of [repo, fileSep]) if (id >= 0) stops.add(id);
  }
  return {
    family, pre, suf, mid, repo, fileSep,
    bos: sp.bos,
    addBos: sp.addBos && sp.bos >= 0,
    stopIds: [...stops].sort((a, b) => a - b),
    stopStrings: [...FAMILY_STOPS[family].strings],
  };
}

/** Whether a vocabulary supports infill (no throw). */
export function hasFim(tok: TokenizerLike): boolean {
  try {
    detectFim(tok);
    return true;
  } catch {
    return false;
  }
}

function ids(tok: TokenizerLike, text: string): number[] {
  return text.length > 0 ? Array.from(tok.tokenize(text, { parseSpecial: false })) : [];
}

function tail(a: number[], n: number | undefined): number[] {
  return n === undefined || a.length <= n ? a : a.slice(a.length - Math.max(0, n));
}

function head(a: number[], n: number | undefined): number[] {
  return n === undefined || a.length <= n ? a : a.slice(0, Math.max(0, n));
}

function withNewline(s: string): string {
  return s.endsWith('\n') ? s : `${s}\n`;
}

export function buildFimPrompt(tok: TokenizerLike, req: FimPromptInput, spec: FimSpec = detectFim(tok)): FimPrompt {
  if (typeof req.prefix !== 'string' || typeof req.suffix !== 'string') {
    throw new EngineError('E_INVALID_ARGUMENT', 'FIM request needs prefix and suffix strings');
  }
  const files = req.chunks ?? [];
  const typed = ids(tok, req.typed ?? '');
  const suffix = head(ids(tok, req.suffix), req.maxSuffixTokens);
  const out: number[] = spec.addBos ? [spec.bos] : [];
  const marker = (id: number): void => {
    if (id >= 0) out.push(id);
  };
  switch (spec.family) {
    case 'qwen': {
      const repoLevel = spec.repo >= 0 && spec.fileSep >= 0 && (files.length > 0 || req.repoName !== undefined);
      if (repoLevel) {
        marker(spec.repo);
        out.push(...ids(tok, `${req.repoName ?? 'repo'}\n`));
        for (const f of files) {
          marker(spec.fileSep);
          out.push(...ids(tok, `${f.path}\n${withNewline(f.text)}`));
        }
        marker(spec.fileSep);
        out.push(...ids(tok, `${req.path ?? 'untitled'}\n`));
      }
      marker(spec.pre);
      out.push(...tail(ids(tok, req.prefix), req.maxPrefixTokens));
      marker(spec.suf);
      out.push(...suffix);
      marker(spec.mid);
      out.push(...typed);
      break;
    }
    case 'deepseek': {
      const context = files.map((f) => `#${f.path}\n${withNewline(f.text)}`).join('') +
        (files.length > 0 && req.path ? `#${req.path}\n` : '');
      marker(spec.pre);
      out.push(...ids(tok, context), ...tail(ids(tok, req.prefix), req.maxPrefixTokens));
      marker(spec.suf);
      out.push(...suffix);
      marker(spec.mid);
      out.push(...typed);
      break;
    }
    case 'starcoder': {
      if (spec.repo >= 0 && req.repoName !== undefined) {
        marker(spec.repo);
        out.push(...ids(tok, req.repoName));
      }
      if (spec.fileSep >= 0) {
        for (const f of files) {
          marker(spec.fileSep);
          out.push(...ids(tok, `${f.path}\n${withNewline(f.text)}`));
        }
        if (files.length > 0) marker(spec.fileSep);
      }
      marker(spec.pre);
      if (files.length > 0 && req.path) out.push(...ids(tok, `${req.path}\n`));
      out.push(...tail(ids(tok, req.prefix), req.maxPrefixTokens));
      marker(spec.suf);
      out.push(...suffix);
      marker(spec.mid);
      out.push(...typed);
      break;
    }
    case 'mellum': {
      // Context files and the file's own path, each after <filename>, then S-P-M.
      if (spec.fileSep >= 0 && files.length > 0) {
        for (const f of files) {
          marker(spec.fileSep);
          out.push(...ids(tok, `${f.path}\n${withNewline(f.text)}`));
        }
        marker(spec.fileSep);
        out.push(...ids(tok, `${req.path ?? 'untitled'}\n`));
      }
      marker(spec.suf);
      out.push(...suffix);
      marker(spec.pre);
      out.push(...tail(ids(tok, req.prefix), req.maxPrefixTokens));
      marker(spec.mid);
      out.push(...typed);
      break;
    }
    case 'codestral': {
      // Suffix first; the typed text continues the prefix.
      marker(spec.suf);
      out.push(...suffix);
      marker(spec.pre);
      const context = files.map((f) => `+++++ ${f.path}\n${withNewline(f.text)}\n`).join('') +
        (files.length > 0 && req.path ? `+++++ ${req.path}\n` : '');
      out.push(...ids(tok, context), ...tail(ids(tok, req.prefix), req.maxPrefixTokens), ...typed);
      break;
    }
    case 'codellama':
    case 'generic': {
      marker(spec.pre);
      out.push(...tail(ids(tok, req.prefix), req.maxPrefixTokens));
      marker(spec.suf);
      out.push(...suffix);
      marker(spec.mid);
      out.push(...typed);
      break;
    }
  }
  return { family: spec.family, tokens: Int32Array.from(out), stopIds: spec.stopIds, stopStrings: spec.stopStrings };
}

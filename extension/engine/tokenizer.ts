/**
 * Tokenizer facade over the native one: validates arguments, wraps native
 * errors as EngineError, and adds the streaming detokenizer the completion
 * provider uses. It also satisfies the small interface the prompt builders
 * (fim.ts) need, so they stay pure and testable with fakes.
 */
import { loadBinding } from './binding';
import { EngineError, asEngineError } from './errors';
import type { NativeSpecialIds, NativeTokenizerHandle, NativeTokenizerInfo } from './native-tokenizer';

export type SpecialIds = NativeSpecialIds;
export type TokenizerInfo = NativeTokenizerInfo;

export interface TokenizeOptions {
  /** Prepend BOS when the vocab has one. Default false. */
  addBos?: boolean;
  /** Let control-token text become control tokens. Default false: user text stays text. */
  parseSpecial?: boolean;
}

/** What prompt builders need from a tokenizer. */
export interface TokenizerLike {
  tokenize(text: string, options?: TokenizeOptions): Int32Array;
  readonly specialIds: SpecialIds;
  /** The token's text as stored in the vocab. */
  tokenText(id: number): string;
  readonly nVocab: number;
  /** tokenizer.ggml.pre, where known: a few FIM formats depend on it (Mellum). */
  readonly preTokenizer?: string;
}

function checkIds(ids: Int32Array | readonly number[], nVocab: number): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || id >= nVocab) {
      throw new EngineError('E_INVALID_ARGUMENT', `token id ${String(id)} at index ${i} is outside the vocabulary (0..${nVocab - 1})`);
    }
  }
}

export class Tokenizer implements TokenizerLike {
  private constructor(
    private readonly handle: NativeTokenizerHandle,
    readonly info: TokenizerInfo,
  ) {}

  /** Loads the tokenizer of a GGUF file (a vocab-only file is enough). */
  static async load(path: string): Promise<Tokenizer> {
    if (typeof path !== 'string' || path.length === 0) {
      throw new EngineError('E_INVALID_ARGUMENT', 'model path must be a non-empty string');
    }
    try {
      const handle = await loadBinding().loadTokenizer(path);
      return new Tokenizer(handle, handle.info());
    } catch (err) {
      throw asEngineError(err);
    }
  }

  get specialIds(): SpecialIds {
    return this.info.special;
  }

  get nVocab(): number {
    return this.info.nVocab;
  }

  get preTokenizer(): string {
    return this.info.pre;
  }

  tokenize(text: string | Uint8Array, options: TokenizeOptions = {}): Int32Array {
    try {
      return this.handle.tokenize(text, { addBos: options.addBos ?? false, parseSpecial: options.parseSpecial ?? false });
    } catch (err) {
      throw asEngineError(err);
    }
  }

  /** Off the main thread: for long texts (whole files). */
  async tokenizeAsync(text: string | Uint8Array, options: TokenizeOptions = {}): Promise<Int32Array> {
    try {
      return await this.handle.tokenizeAsync(text, { addBos: options.addBos ?? false, parseSpecial: options.parseSpecial ?? false });
    } catch (err) {
      throw asEngineError(err);
    }
  }

  /**
   * Text of the ids; control tokens are rendered only with special. By
   * default the exact text (it tokenizes back to the same ids); cleanSpaces
   * applies the vocab's clean-up of spaces before punctuation as llama.cpp does.
   */
  detokenize(ids: Int32Array | readonly number[], options: { special?: boolean; cleanSpaces?: boolean } = {}): string {
    checkIds(ids, this.nVocab);
    try {
      return this.handle.detokenize(ids, { special: options.special ?? false, cleanSpaces: options.cleanSpaces ?? false });
    } catch (err) {
      throw asEngineError(err);
    }
  }

  tokenPiece(id: number, options: { special?: boolean } = {}): Uint8Array {
    checkIds([id], this.nVocab);
    return this.handle.tokenPiece(id, { special: options.special ?? false });
  }

  tokenText(id: number): string {
    checkIds([id], this.nVocab);
    return this.handle.tokenText(id);
  }

  isEog(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.nVocab && this.handle.isEog(id);
  }

  isControl(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.nVocab && this.handle.isControl(id);
  }

  /** A decoder for generated tokens: text comes out only once its UTF-8 is complete. */
  streamDecoder(options: { special?: boolean } = {}): TokenStreamDecoder {
    return new TokenStreamDecoder((id) => this.tokenPiece(id, options), this.info.addSpacePrefix);
  }

  dispose(): void {
    this.handle.dispose();
  }
}

/**
 * Turns tokens into text as they arrive, holding back a trailing partial
 * UTF-8 character (a token may end mid character) until the next token
 * completes it. Invalid bytes come out as U+FFFD.
 */
export class TokenStreamDecoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  private first = true;

  constructor(
    private readonly piece: (id: number) => Uint8Array,
    /** SentencePiece: the first piece's leading space is the prefix the tokenizer added. */
    private readonly stripLeadingSpace: boolean,
  ) {}

  push(id: number): string {
    let bytes = this.piece(id);
    if (this.first && this.stripLeadingSpace && bytes.length > 0 && bytes[0] === 0x20) bytes = bytes.subarray(1);
    if (bytes.length > 0) this.first = false;
    return this.decoder.decode(bytes, { stream: true });
  }

  /** The rest (an unfinished character becomes U+FFFD). */
  flush(): string {
    return this.decoder.decode();
  }
}

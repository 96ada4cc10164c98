/** The tokenizer module's native surface (native/napi/js-tokenizer.cpp). */

/** Token ids the vocabulary names; -1 where it has none. */
export interface NativeSpecialIds {
  bos: number;
  eos: number;
  eot: number;
  eom: number;
  unk: number;
  pad: number;
  sep: number;
  /** The token for "\n". */
  nl: number;
  fimPre: number;
  fimSuf: number;
  fimMid: number;
  fimPad: number;
  fimRep: number;
  fimSep: number;
  /** Whether the model expects BOS / EOS around a prompt (tokenizer.ggml.add_*_token or the model type's default). */
  addBos: boolean;
  addEos: boolean;
}

export interface NativeTokenizerInfo {
  nVocab: number;
  /** tokenizer.ggml.model: "llama" (SentencePiece), "gpt2" (byte-level BPE), "bert" (WordPiece). */
  model: string;
  /** tokenizer.ggml.pre, or "default". */
  pre: string;
  addSpacePrefix: boolean;
  special: NativeSpecialIds;
}

export interface NativeTokenizeOptions {
  /** Prepend BOS (when the vocab has one). */
  addBos?: boolean;
  /** Let text such as "<|fim_prefix|>" become its control token. Off: it stays text. */
  parseSpecial?: boolean;
}

export interface NativeTokenizerHandle {
  /** Text as a string (UTF-8; lone surrogates become U+FFFD) or raw bytes. */
  tokenize(text: string | Uint8Array, options?: NativeTokenizeOptions): Int32Array;
  /** The same on the libuv pool, for long texts. */
  tokenizeAsync(text: string | Uint8Array, options?: NativeTokenizeOptions): Promise<Int32Array>;
  /**
   * Control tokens render only with special: true. cleanSpaces: apply the
   * vocab's clean_up_tokenization_spaces as llama.cpp does (display only).
   */
  detokenize(ids: Int32Array | readonly number[], options?: { special?: boolean; cleanSpaces?: boolean }): string;
  /** The bytes of one token (may end mid UTF-8 character). */
  tokenPiece(id: number, options?: { special?: boolean }): Uint8Array;
  /** The token as stored in the vocab (e.g. "Ġworld", "▁world", "<0x0A>"). */
  tokenText(id: number): string;
  isEog(id: number): boolean;
  isControl(id: number): boolean;
  info(): NativeTokenizerInfo;
  /** Drops the native tokenizer now instead of at GC; later calls throw. */
  dispose(): void;
}

export interface TokenizerNative {
  /** Reads tokenizer.* metadata from a GGUF file (vocab-only files work). */
  loadTokenizer(path: string): Promise<NativeTokenizerHandle>;
}

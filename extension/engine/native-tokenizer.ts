/** The tokenizer module's native surface (native/napi/js-tokenizer.cpp). */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface TokenizerNative {}

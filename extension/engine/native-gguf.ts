/** The gguf module's native surface (native/napi/js-gguf.cpp). */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface GgufNative {}

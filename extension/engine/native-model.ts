/** The model runtime's native surface (native/napi/js-model.cpp). */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface ModelNative {}

/** The cpu module's native surface (native/napi/js-cpu.cpp). */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface CpuNative {}

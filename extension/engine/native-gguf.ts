/** The gguf module's native surface (native/napi/js-gguf.cpp). */

/**
 * A metadata value as the addon hands it over: numbers, booleans, strings,
 * arrays of those. 64-bit integers outside +-(2^53-1) arrive as decimal
 * strings so no precision is lost.
 */
export type GgufJsValue = number | string | boolean | GgufJsValue[];

/**
 * A big top-level string array, packed for speed: all strings joined in
 * `packed`, string i being packed.substring(ends[i - 1] ?? 0, ends[i]).
 */
export interface PackedStrings {
  packed: string;
  ends: Uint32Array;
}

/** A big top-level numeric array (not 64-bit integers) as a typed array; `bool` for bool arrays. */
export interface PackedNumbers {
  numbers: Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;
  bool: boolean;
}

export interface NativeGgufTensor {
  name: string;
  /** ggml type name, e.g. "Q4_K". */
  type: string;
  typeId: number;
  /** ggml ne order: shape[0] is the row length. Values beyond 2^53 as strings. */
  shape: (number | string)[];
  /** Bytes from the start of the data section. */
  offset: number;
  nElements: number | string;
  nBytes: number;
}

export interface NativeGgufInfo {
  version: number;
  alignment: number;
  /** Start of the data section, from the start of the GGUF bytes. */
  dataOffset: number;
  /** Where the GGUF bytes start in the file: > 0 inside a zip/llamafile. */
  containerOffset: number;
  /** Bytes of the GGUF itself (the zip entry's size inside a zip). */
  ggufSize: number;
  /** Bytes of the whole file. */
  fileSize: number;
  /** Whether the file was mapped (false: read into memory). */
  mapped: boolean;
  /** [key, type label ("uint32", "array<string>", ...), value], in file order. */
  metadata: [string, string, GgufJsValue | PackedStrings | PackedNumbers][];
  tensors: NativeGgufTensor[];
}

export interface GgufNative {
  /** Parses the header on the libuv pool; rejects with a coded Error. */
  ggufInspect(path: string, options?: { useMmap?: boolean }): Promise<NativeGgufInfo>;
}

/**
 * Reading GGUF model files: `inspectModel(path)` parses the header (on the
 * libuv pool, the file mapped, tensor data never read) and resolves to the
 * metadata and tensor list.
 *
 * Value mapping (also what `hearth inspect --json` prints):
 * - integers and floats are numbers; bool is a boolean; string is a string;
 * - uint64/int64 values outside +-(2^53-1) are decimal strings (JSON-safe);
 * - arrays (also nested) are JS arrays of the same mapping;
 * - `metadataTypes[key]` keeps the GGUF type: "uint32", "array<string>", ...
 */
import { loadBinding } from './binding';
import { EngineError, asEngineError } from './errors';
import type { GgufJsValue, NativeGgufInfo, PackedNumbers, PackedStrings } from './native-gguf';

export type { GgufJsValue } from './native-gguf';

export interface TensorInfo {
  name: string;
  /** ggml type name, e.g. "Q4_K". */
  type: string;
  typeId: number;
  /** ggml ne order: shape[0] is the row length (fastest varying). */
  shape: number[];
  /** Bytes from the start of the data section. */
  offset: number;
  nElements: number;
  nBytes: number;
}

/** What a GGUF file holds, read without loading it (`hearth inspect`); a loaded model describes itself with NativeModelInfo (engine.ts), and to the extension with host/engine-port.ts's ModelInfo. */
export interface GgufFileInfo {
  /** GGUF version: 1, 2 or 3. */
  version: number;
  /** general.architecture, or null when absent. */
  architecture: string | null;
  metadata: Record<string, GgufJsValue>;
  /** GGUF type of each metadata key: "uint32", "string", "array<float32>", ... */
  metadataTypes: Record<string, string>;
  tensors: TensorInfo[];
  /** Size of the file on disk in bytes (the whole zip for a llamafile). */
  fileSize: number;
  alignment: number;
  /** Start of the data section, from the start of the GGUF bytes. */
  dataOffset: number;
  /** Where the GGUF bytes start in the file: 0 for a plain GGUF, > 0 inside a zip. */
  containerOffset: number;
  /** Whether the file was memory-mapped (false with `useMmap: false`). */
  mapped: boolean;
}

export interface InspectOptions {
  /** false: read the file into memory instead of mapping it (default true). */
  useMmap?: boolean;
}

/** Total elements over all tensors: the model's parameter count. */
export function parameterCount(info: GgufFileInfo): number {
  let n = 0;
  for (const t of info.tensors) n += t.nElements;
  return n;
}

function unpackStrings(p: PackedStrings): string[] {
  const out = new Array<string>(p.ends.length);
  let start = 0;
  for (let i = 0; i < p.ends.length; i++) {
    const end = p.ends[i] as number;
    out[i] = p.packed.substring(start, end);
    start = end;
  }
  return out;
}

function unpack(v: GgufJsValue | PackedStrings | PackedNumbers): GgufJsValue {
  if (Array.isArray(v) || typeof v !== 'object') return v;
  if ('ends' in v) return unpackStrings(v);
  const out = new Array<GgufJsValue>(v.numbers.length);
  const nums = v.numbers;
  if (v.bool) for (let i = 0; i < nums.length; i++) out[i] = nums[i] !== 0;
  else for (let i = 0; i < nums.length; i++) out[i] = nums[i] as number;
  return out;
}

function toGgufFileInfo(raw: NativeGgufInfo): GgufFileInfo {
  const metadata: Record<string, GgufJsValue> = {};
  const metadataTypes: Record<string, string> = {};
  for (const [key, type, rawValue] of raw.metadata) {
    const value = unpack(rawValue);
    // defineProperty, not assignment: a key named "__proto__" stays data.
    Object.defineProperty(metadata, key, { value, enumerable: true, writable: true, configurable: true });
    Object.defineProperty(metadataTypes, key, { value: type, enumerable: true, writable: true, configurable: true });
  }
  const arch = Object.prototype.hasOwnProperty.call(metadata, 'general.architecture')
    ? metadata['general.architecture']
    : undefined;
  return {
    version: raw.version,
    architecture: typeof arch === 'string' ? arch : null,
    metadata,
    metadataTypes,
    tensors: raw.tensors.map((t) => ({
      name: t.name,
      type: t.type,
      typeId: t.typeId,
      // Dimensions and element counts were checked against the file size, so
      // anything beyond 2^53 cannot reach here; Number() is exact.
      shape: t.shape.map(Number),
      offset: t.offset,
      nElements: Number(t.nElements),
      nBytes: t.nBytes,
    })),
    fileSize: raw.fileSize,
    alignment: raw.alignment,
    dataOffset: raw.dataOffset,
    containerOffset: raw.containerOffset,
    mapped: raw.mapped,
  };
}

/**
 * Parses a GGUF file's header: a .gguf, an Ollama blob (any name: detected
 * by content), or a llamafile/zip holding a stored .gguf entry. Rejects with
 * an EngineError whose .code says what is wrong (E_IO_NOT_FOUND,
 * E_GGUF_TRUNCATED, E_ZIP_COMPRESSED, ...).
 */
export async function inspectModel(path: string, options: InspectOptions = {}): Promise<GgufFileInfo> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new EngineError('E_INVALID_ARGUMENT', 'inspectModel: path must be a non-empty string');
  }
  if (path.includes('\0')) {
    throw new EngineError('E_INVALID_ARGUMENT', 'inspectModel: path must not contain NUL characters');
  }
  if (options === null || typeof options !== 'object') {
    throw new EngineError('E_INVALID_ARGUMENT', 'inspectModel: options must be an object');
  }
  if (options.useMmap !== undefined && typeof options.useMmap !== 'boolean') {
    throw new EngineError('E_INVALID_ARGUMENT', 'inspectModel: options.useMmap must be a boolean');
  }
  try {
    const raw = await loadBinding().ggufInspect(path, { useMmap: options.useMmap ?? true });
    return toGgufFileInfo(raw);
  } catch (err) {
    throw asEngineError(err);
  }
}

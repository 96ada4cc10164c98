/**
 * ggml tensor type ids with their block geometry, as GGUF stores them, from
 * native/lists/ggml-types.json (the table the engine compiles in too): a row
 * of ne0 elements takes ne0 / blockElems blocks of blockBytes each.
 */
import ggmlTypes from '../../native/lists/ggml-types.json';

export interface GgmlTypeGeometry {
  readonly id: number;
  readonly name: string;
  readonly blockElems: number;
  readonly blockBytes: number;
  /** The engine has kernels for it. */
  readonly computable: boolean;
}

const TABLE: readonly GgmlTypeGeometry[] = ggmlTypes.types;

const BY_ID = new Map(TABLE.map((t) => [t.id, t]));
const BY_NAME = new Map(TABLE.map((t) => [t.name, t]));

export const GGML_TYPES: readonly GgmlTypeGeometry[] = TABLE;

/** Geometry of a type given by id (2) or name ("Q4_0"); undefined when unknown. */
export function ggmlType(type: number | string): GgmlTypeGeometry | undefined {
  return typeof type === 'number' ? BY_ID.get(type) : BY_NAME.get(type);
}

/** Bytes of a tensor of this type and shape (ne order); throws if the shape does not fit the blocks. */
export function ggmlTensorBytes(type: GgmlTypeGeometry, shape: readonly number[]): number {
  const ne0 = shape[0] ?? 1;
  if (ne0 % type.blockElems !== 0) {
    throw new Error(`row length ${ne0} is not a multiple of the ${type.name} block size ${type.blockElems}`);
  }
  let elems = 1;
  for (const d of shape) elems *= d;
  return (elems / type.blockElems) * type.blockBytes;
}

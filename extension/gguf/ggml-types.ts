/**
 * ggml tensor type ids with their block geometry, as GGUF stores them (the
 * same facts as native/src/tensor/ggml-type.cpp): a row of ne0 elements
 * takes ne0 / blockElems blocks of blockBytes each.
 */
export interface GgmlTypeGeometry {
  readonly id: number;
  readonly name: string;
  readonly blockElems: number;
  readonly blockBytes: number;
}

const TABLE: readonly GgmlTypeGeometry[] = [
  { id: 0, name: 'F32', blockElems: 1, blockBytes: 4 },
  { id: 1, name: 'F16', blockElems: 1, blockBytes: 2 },
  { id: 2, name: 'Q4_0', blockElems: 32, blockBytes: 18 },
  { id: 3, name: 'Q4_1', blockElems: 32, blockBytes: 20 },
  { id: 6, name: 'Q5_0', blockElems: 32, blockBytes: 22 },
  { id: 7, name: 'Q5_1', blockElems: 32, blockBytes: 24 },
  { id: 8, name: 'Q8_0', blockElems: 32, blockBytes: 34 },
  { id: 9, name: 'Q8_1', blockElems: 32, blockBytes: 36 },
  { id: 10, name: 'Q2_K', blockElems: 256, blockBytes: 84 },
  { id: 11, name: 'Q3_K', blockElems: 256, blockBytes: 110 },
  { id: 12, name: 'Q4_K', blockElems: 256, blockBytes: 144 },
  { id: 13, name: 'Q5_K', blockElems: 256, blockBytes: 176 },
  { id: 14, name: 'Q6_K', blockElems: 256, blockBytes: 210 },
  { id: 15, name: 'Q8_K', blockElems: 256, blockBytes: 292 },
  { id: 16, name: 'IQ2_XXS', blockElems: 256, blockBytes: 66 },
  { id: 17, name: 'IQ2_XS', blockElems: 256, blockBytes: 74 },
  { id: 18, name: 'IQ3_XXS', blockElems: 256, blockBytes: 98 },
  { id: 19, name: 'IQ1_S', blockElems: 256, blockBytes: 50 },
  { id: 20, name: 'IQ4_NL', blockElems: 32, blockBytes: 18 },
  { id: 21, name: 'IQ3_S', blockElems: 256, blockBytes: 110 },
  { id: 22, name: 'IQ2_S', blockElems: 256, blockBytes: 82 },
  { id: 23, name: 'IQ4_XS', blockElems: 256, blockBytes: 136 },
  { id: 24, name: 'I8', blockElems: 1, blockBytes: 1 },
  { id: 25, name: 'I16', blockElems: 1, blockBytes: 2 },
  { id: 26, name: 'I32', blockElems: 1, blockBytes: 4 },
  { id: 27, name: 'I64', blockElems: 1, blockBytes: 8 },
  { id: 28, name: 'F64', blockElems: 1, blockBytes: 8 },
  { id: 29, name: 'IQ1_M', blockElems: 256, blockBytes: 56 },
  { id: 30, name: 'BF16', blockElems: 1, blockBytes: 2 },
  { id: 34, name: 'TQ1_0', blockElems: 256, blockBytes: 54 },
  { id: 35, name: 'TQ2_0', blockElems: 256, blockBytes: 66 },
  { id: 39, name: 'MXFP4', blockElems: 32, blockBytes: 17 },
];

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

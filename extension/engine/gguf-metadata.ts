/**
 * Turns metadata read by inspectModel (value + type label) back into writer
 * entries, so a file can be rewritten (quantize) or its tokenizer copied
 * into a generated model (tests).
 */
import type { GgufMetadataEntry, GgufScalarType, GgufArrayValue, GgufValueType } from '../gguf/writer';
import type { GgufJsValue } from './native-gguf';

function arrayValue(label: string, value: GgufJsValue): GgufArrayValue {
  // "array<string>", "array<array<int32>>", ...
  const inner = label.slice('array<'.length, -1);
  const items = value as GgufJsValue[];
  if (inner.startsWith('array')) {
    return { itemType: 'array', items: items.map((v) => arrayValue(inner, v)) };
  }
  return { itemType: inner as GgufValueType, items: items as (number | string | boolean)[] };
}

/** One writer entry from a key, its type label ("uint32", "array<string>") and value. */
export function metadataEntry(key: string, label: string, value: GgufJsValue): GgufMetadataEntry {
  if (label.startsWith('array')) return { key, type: 'array', value: arrayValue(label, value) };
  return { key, type: label as GgufScalarType, value: value as number | string | boolean };
}

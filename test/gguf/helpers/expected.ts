/** What inspectModel should report for a writer spec (the documented value mapping). */
import type { GgufJsValue } from '../../../extension/engine/gguf';
import type { GgufArrayValue, GgufMetadataEntry, GgufScalar, GgufValueType } from '../../../extension/gguf/writer';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export function expectedScalar(type: GgufValueType, v: GgufScalar): GgufJsValue {
  if (type === 'uint64' || type === 'int64') {
    const b = BigInt(v);
    return b > SAFE || b < -SAFE ? b.toString() : Number(b);
  }
  if (type === 'float32') return Math.fround(Number(v));
  return v as GgufJsValue;
}

export function expectedValue(type: GgufValueType, v: GgufScalar | GgufArrayValue): GgufJsValue {
  if (type !== 'array') return expectedScalar(type, v as GgufScalar);
  const a = v as GgufArrayValue;
  return a.items.map((item) => expectedValue(a.itemType, item));
}

export function expectedMetadata(entries: readonly GgufMetadataEntry[]): {
  metadata: Record<string, GgufJsValue>;
  types: Record<string, string>;
} {
  const metadata: Record<string, GgufJsValue> = {};
  const types: Record<string, string> = {};
  for (const e of entries) {
    metadata[e.key] = expectedValue(e.type, e.value);
    types[e.key] = e.type === 'array' ? `array<${e.value.itemType}>` : e.type;
  }
  return { metadata, types };
}

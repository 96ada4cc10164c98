/**
 * Writes the C++ views of the lists in native/lists/*.json, so each list has
 * one source that both sides read: TypeScript imports the JSON (or, for the
 * error codes, a written module of literal types), C++ includes the X-macro
 * files written here (committed, so that every build path, gyp,
 * the fuzz scripts and the cross builds, compiles them without a step).
 * test/extension/native-lists.test.ts fails when a written file is stale.
 *
 *   npm run gen:lists            rewrite the .inc files
 *   npm run gen:lists -- --check exit 1 if any is stale
 */
import * as fs from 'fs';
import * as path from 'path';
import architectures from '../native/lists/architectures.json';
import ggmlTypes from '../native/lists/ggml-types.json';
import errorCodes from '../native/lists/error-codes.json';

const ROOT = path.join(__dirname, '..');

function banner(source: string): string {
  return `// Written by scripts/gen-native-lists.ts from ${source}: edit that file and\n// run \`npm run gen:lists\`, never this one.\n`;
}

/** HEARTH_ARCH(ident, "name"): ident is the name with '-' as '_' (arch_<ident>_create). */
function architecturesInc(): string {
  const names = architectures.architectures;
  for (const n of names) {
    if (!/^[a-z][a-z0-9-]*$/.test(n)) throw new Error(`architecture name "${n}" is not lowercase letters, digits and '-'`);
  }
  if (new Set(names).size !== names.length) throw new Error('architectures.json lists a name twice');
  return banner('native/lists/architectures.json') +
    names.map((n) => `HEARTH_ARCH(${n.replace(/-/g, '_')}, "${n}")`).join('\n') + '\n';
}

/** HEARTH_GGML_TYPE(NAME, id, block_elems, block_bytes, computable), then HEARTH_GGML_TYPE_ID_END. */
function ggmlTypesInc(): string {
  const rows = ggmlTypes.types;
  const ids = new Set<number>();
  for (const t of rows) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(t.name)) throw new Error(`ggml type name "${t.name}" is not an identifier`);
    if (ids.has(t.id)) throw new Error(`ggml type id ${t.id} is listed twice`);
    if (!(t.blockElems > 0 && t.blockBytes > 0)) throw new Error(`ggml type ${t.name} has an empty block`);
    ids.add(t.id);
  }
  const end = Math.max(...ids) + 1;
  return banner('native/lists/ggml-types.json') +
    rows.map((t) => `HEARTH_GGML_TYPE(${t.name}, ${t.id}, ${t.blockElems}, ${t.blockBytes}, ${t.computable})`).join('\n') +
    `\n#define HEARTH_GGML_TYPE_ID_END ${end}  // one past the largest id\n`;
}

/** Every code once, E_ and capitals, native ones before the extension's. */
function checkedErrorCodes(): { native: string[]; extension: string[] } {
  const native = errorCodes.native.map((c) => c.code);
  const extension = errorCodes.extension.map((c) => c.code);
  const all = [...native, ...extension];
  for (const c of all) if (!/^E_[A-Z][A-Z0-9_]*$/.test(c)) throw new Error(`error code "${c}" is not E_ and capitals`);
  if (new Set(all).size !== all.length) throw new Error('error-codes.json lists a code twice');
  for (const c of [...errorCodes.native, ...errorCodes.extension]) {
    if (!c.meaning.trim()) throw new Error(`error code ${c.code} has no meaning`);
  }
  return { native, extension };
}

/** HEARTH_STATUS(E_NAME): the engine's codes in enum order (after STATUS_OK). */
function statusCodesInc(): string {
  const rows = errorCodes.native;
  checkedErrorCodes();
  return banner('native/lists/error-codes.json') +
    rows.map((c) => `HEARTH_STATUS(${c.code})  // ${c.meaning}`).join('\n') + '\n';
}

/** The codes as TypeScript literal unions (a JSON import only types them as string). */
function errorCodesTs(): string {
  const { native, extension } = checkedErrorCodes();
  const union = (codes: string[]): string => codes.map((c) => `  | '${c}'`).join('\n');
  return banner('native/lists/error-codes.json') +
    '\n/** Raised by the native engine (native/src/common/status.h). */\n' +
    `export type NativeErrorCode =\n${union(native)};\n` +
    '\n/** Raised by the TypeScript side only. */\n' +
    `export type ExtensionErrorCode =\n${union(extension)};\n` +
    '\nexport type ErrorCode = NativeErrorCode | ExtensionErrorCode;\n' +
    `\nexport const ERROR_CODES: readonly ErrorCode[] = [\n${[...native, ...extension].map((c) => `  '${c}',`).join('\n')}\n];\n`;
}

/** Each written file's path (from the repository root) and its expected text. */
export function nativeListFiles(): { file: string; text: string }[] {
  return [
    { file: 'native/src/model/architectures.inc', text: architecturesInc() },
    { file: 'native/src/tensor/ggml-types.inc', text: ggmlTypesInc() },
    { file: 'native/src/common/status-codes.inc', text: statusCodesInc() },
    { file: 'extension/engine/error-codes.ts', text: errorCodesTs() },
  ];
}

/** The written files whose text on disk differs from what the lists say. */
export function staleNativeListFiles(): string[] {
  return nativeListFiles()
    .filter(({ file, text }) => {
      const p = path.join(ROOT, file);
      return !fs.existsSync(p) || fs.readFileSync(p, 'utf8') !== text;
    })
    .map(({ file }) => file);
}

if (require.main === module) {
  if (process.argv.includes('--check')) {
    const stale = staleNativeListFiles();
    if (stale.length) {
      console.error(`stale (run npm run gen:lists): ${stale.join(', ')}`);
      process.exit(1);
    }
  } else {
    for (const { file, text } of nativeListFiles()) fs.writeFileSync(path.join(ROOT, file), text);
  }
}

import type { CliCommand, CliIo } from '../command';
import { UsageError } from '../command';
import { reportEngineError } from '../errors';
import { runDevices } from './devices';
import { formatBytes, formatCount } from '../format';
import { runVerdict } from '../../models/model-check';
import { inspectModel, parameterCount, type GgufJsValue, type GgufFileInfo } from '../../engine/gguf';

/** FIM token keys, current names first, then the older prefix/suffix/middle ones. */
const FIM_KEYS: readonly [string, string][] = [
  ['pre', 'tokenizer.ggml.fim_pre_token_id'],
  ['suf', 'tokenizer.ggml.fim_suf_token_id'],
  ['mid', 'tokenizer.ggml.fim_mid_token_id'],
  ['pad', 'tokenizer.ggml.fim_pad_token_id'],
  ['rep', 'tokenizer.ggml.fim_rep_token_id'],
  ['sep', 'tokenizer.ggml.fim_sep_token_id'],
  ['prefix', 'tokenizer.ggml.prefix_token_id'],
  ['suffix', 'tokenizer.ggml.suffix_token_id'],
  ['middle', 'tokenizer.ggml.middle_token_id'],
];

function meta(info: GgufFileInfo, key: string): GgufJsValue | undefined {
  return Object.prototype.hasOwnProperty.call(info.metadata, key) ? info.metadata[key] : undefined;
}

/** The human summary `hearth inspect` prints. */
export function formatSummary(path: string, info: GgufFileInfo): string {
  const arch = info.architecture;
  const lines: [string, string][] = [];
  const inZip = info.containerOffset > 0 ? `, inside a zip at offset ${info.containerOffset}` : '';
  lines.push(['file', `${path} (${formatBytes(info.fileSize)}, GGUF v${info.version}${inZip})`]);
  lines.push(['architecture', arch ?? '(none)']);
  const name = meta(info, 'general.name');
  if (name !== undefined) lines.push(['name', String(name)]);
  lines.push(['parameters', formatCount(parameterCount(info))]);
  const ctx = arch ? meta(info, `${arch}.context_length`) : undefined;
  lines.push(['context length', ctx === undefined ? '(unknown)' : String(ctx)]);
  const tokModel = meta(info, 'tokenizer.ggml.model');
  const tokens = meta(info, 'tokenizer.ggml.tokens');
  const pre = meta(info, 'tokenizer.ggml.pre');
  let tok = tokModel === undefined ? '(none)' : String(tokModel);
  if (pre !== undefined) tok += `, pre ${String(pre)}`;
  if (Array.isArray(tokens)) tok += `, ${tokens.length} tokens`;
  lines.push(['tokenizer', tok]);
  lines.push(['chat template', meta(info, 'tokenizer.chat_template') === undefined ? 'no' : 'yes']);
  const fim = FIM_KEYS.filter(([, key]) => meta(info, key) !== undefined).map(
    ([label, key]) => `${label}=${String(meta(info, key))}`,
  );
  lines.push(['FIM tokens', fim.length > 0 ? fim.join(' ') : 'none']);
  const byType = new Map<string, number>();
  for (const t of info.tensors) byType.set(t.type, (byType.get(t.type) ?? 0) + 1);
  const types = [...byType.entries()].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} x${n}`);
  lines.push(['tensors', info.tensors.length === 0 ? '0' : `${info.tensors.length} (${types.join(', ')})`]);
  lines.push(['metadata keys', String(Object.keys(info.metadata).length)]);
  const verdict = runVerdict(arch, byType.keys());
  lines.push(['runs on Hearth', verdict.runs ? 'yes' : `no: ${verdict.why}`]);
  const width = Math.max(...lines.map(([k]) => k.length)) + 1;
  return lines.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`).join('\n') + '\n';
}

/**
 * The --json document. Non-finite floats, which JSON cannot hold, print as
 * the strings "NaN", "Infinity", "-Infinity"; 64-bit integers beyond 2^53
 * are already decimal strings (see extension/engine/gguf.ts).
 */
export function formatJson(info: GgufFileInfo): string {
  const doc = {
    version: info.version,
    architecture: info.architecture,
    metadata: info.metadata,
    tensors: info.tensors.map((t) => ({ name: t.name, type: t.type, shape: t.shape, offset: t.offset })),
    fileSize: info.fileSize,
  };
  return JSON.stringify(doc, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isFinite(value) ? String(value) : value,
  );
}

async function runInspect(argv: string[], io: CliIo): Promise<number> {
  let json = false;
  let devices = false;
  const files: string[] = [];
  for (const arg of argv) {
    if (arg === '--json') json = true;
    else if (arg === '--devices') devices = true;
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}'`);
    else files.push(arg);
  }
  if (devices) {
    if (files.length > 0) throw new UsageError('--devices takes no <file>');
    return runDevices(io, json);
  }
  if (files.length !== 1) throw new UsageError(files.length === 0 ? 'missing <file>' : 'expected exactly one <file>');
  const path = files[0] as string;
  let info: GgufFileInfo;
  try {
    info = await inspectModel(path);
  } catch (err) {
    return reportEngineError(err, io, json);
  }
  io.out(json ? formatJson(info) + '\n' : formatSummary(path, info));
  return 0;
}

export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'show a GGUF model file: architecture, parameters, tensors, tokenizer',
  usage: [
    'hearth inspect <file.gguf|llamafile|ollama-blob> [--json]',
    'hearth inspect --devices [--json]',
    '',
    '  --devices  list compute backends (CUDA, Vulkan, CPU) with their devices and memory,',
    '             or why a backend has none; --json: {"backends":[...],"auto":"cpu"}',
    '  --json  print {"version","architecture","metadata","tensors","fileSize"}; metadata',
    '          in full; 64-bit integers beyond 2^53 and NaN/Infinity as strings',
  ].join('\n'),
  run: runInspect,
};

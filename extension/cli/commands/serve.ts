/**
 * `hearth serve`: the model behind a local HTTP server (extension/serve/),
 * OpenAI-compatible plus llama-server's /infill, for other tools to share.
 */
import * as fs from 'fs';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { reportEngineError } from '../errors';
import { backendOptions, intOption, parseArgs } from './model-args';
import { DEFAULT_HOST, DEFAULT_PORT, checkBindSafety, startServer } from '../../serve/server';
import { launchEngine } from '../../serve/engine-launch';

const PORT_RANGE = { min: 0, max: 65535 };
const PARALLEL_RANGE = { min: 1, max: 64 };

function rangedInt(value: string | undefined, name: string, dflt: number, range: { min: number; max: number }): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < range.min || n > range.max) throw new UsageError(`--${name} must be an integer from ${range.min} to ${range.max}, got ${value}`);
  return n;
}

/** The key is read from a file, never the command line: argv is visible to every user of the machine. */
function readApiKey(file: string | undefined): string | null {
  if (file === undefined) return null;
  let key: string;
  try {
    key = fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new UsageError(`--api-key-file: cannot read ${file}: ${(err as Error).message}`);
  }
  if (key.length < 16) throw new UsageError(`--api-key-file: the key in ${file} is shorter than 16 characters`);
  return key;
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'serve the model over HTTP: OpenAI-compatible chat, llama-server /infill (127.0.0.1 by default)',
  usage:
    'hearth serve <model.gguf> [--host 127.0.0.1] [--port 8012] [--api-key-file F] [--parallel N] [--ctx N] [--threads N]\n' +
    '             [--backend auto|cpu|cuda|vulkan] [--gpu-layers auto|all|N] [--cors ORIGIN] [--log-prompts]\n' +
    '  A --host other machines can reach needs --api-key-file (clients send Authorization: Bearer <key>).\n' +
    '  Endpoints: GET /health, GET /v1/models, POST /v1/chat/completions, POST /infill, POST /tokenize, POST /detokenize;\n' +
    '  POST /v1/completions answers 501 (E_NOT_IMPLEMENTED) in this version.',
  async run(argv, io) {
    const args = parseArgs(argv, ['host', 'port', 'api-key-file', 'parallel', 'ctx', 'threads', 'backend', 'gpu-layers', 'cors'], ['log-prompts']);
    if (args.positionals.length !== 1) throw new UsageError('expected exactly one model path');
    const host = args.options.get('host') ?? DEFAULT_HOST;
    const port = rangedInt(args.options.get('port'), 'port', DEFAULT_PORT, PORT_RANGE);
    const parallel = rangedInt(args.options.get('parallel'), 'parallel', 1, PARALLEL_RANGE);
    const apiKey = readApiKey(args.options.get('api-key-file'));
    try {
      checkBindSafety(host, apiKey);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const { backend, gpuLayers } = backendOptions(args);
    const load = { contextTokens: intOption(args, 'ctx', 0) || undefined, threads: intOption(args, 'threads', 0, io.err) || undefined, backend, gpuLayers };
    const engine = launchEngine((e) => {
      if (e.kind !== 'stats') io.err(`hearth serve: engine ${e.kind}: ${e.message}\n`);
    });
    let server;
    try {
      server = await startServer({
        engine, modelPath: args.positionals[0], load, host, port, apiKey, parallel,
        cors: args.options.get('cors') ?? null, logPrompts: args.flags.has('log-prompts'), log: io.err,
      });
    } catch (err) {
      await engine.dispose();
      return reportEngineError(err, io, false);
    }
    const shown = host.includes(':') ? `[${host}]` : host;
    io.err(`hearth serve: listening on http://${shown}:${server.port}, loading ${args.positionals[0]}\n`);
    try {
      await server.ready;
    } catch (err) {
      await server.close();
      return reportEngineError(err, io, false);
    }
    io.err(`hearth serve: model ready (parallel ${parallel}${apiKey ? ', API key required' : ''})\n`);
    // Runs until Ctrl-C or SIGTERM, then closes connections and the engine process.
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    io.err('hearth serve: shutting down\n');
    await server.close();
    return 0;
  },
};

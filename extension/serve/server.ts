/**
 * `hearth serve`: an OpenAI-compatible and llama-server /infill HTTP server
 * over an EnginePort (the CLI passes an EngineProcess, so the engine runs in
 * a supervised child process: a native fault kills and restarts that, not
 * the server).
 *
 * Node's own `http` module with a small router (router.ts): no dependency to
 * keep up, the surface is seven fixed endpoints, and streaming SSE is plain
 * writes on the response.
 */
import * as http from 'http';
import * as path from 'path';
import type { AddressInfo } from 'net';
import type { EnginePort, LoadOptions } from '../host/engine-port';
import { EngineError, isAbort } from '../engine/errors';
import { checkBearer, isLoopbackHost } from './auth';
import { corsHeaders } from './cors';
import { Gate } from './gate';
import { HttpError, asHttpError, sendError } from './http-error';
import { formatRequestLine, type RequestRecord } from './request-log';
import { ROUTES } from './router';
import type { Call, ServeContext, ServeLimits } from './context';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8012;
export const DEFAULT_LIMITS: ServeLimits = { bodyBytes: 1 << 20, promptTokens: 32_768 };

export interface ServeOptions {
  /** The engine; the server loads the model into it and disposes it on close. */
  engine: EnginePort;
  modelPath: string;
  load?: LoadOptions;
  host?: string;
  /** 0: any free port. */
  port?: number;
  /** Required for a non-loopback host. */
  apiKey?: string | null;
  /** Requests generating at once. */
  parallel?: number;
  /** Requests waiting beyond those; default 4 x parallel. */
  queue?: number;
  /** The one origin allowed cross-origin requests; none by default. */
  cors?: string | null;
  logPrompts?: boolean;
  limits?: Partial<ServeLimits>;
  /** Where the per-request lines go (stderr in the CLI). */
  log?: (line: string) => void;
}

export interface RunningServer {
  host: string;
  port: number;
  /** Settles when the model has loaded (rejects with the load error). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Refuses a bind address other machines can reach when no API key protects it. */
export function checkBindSafety(host: string, apiKey: string | null | undefined): void {
  if (!isLoopbackHost(host) && !apiKey) {
    throw new EngineError('E_INVALID_ARGUMENT', `refusing to listen on ${host} without an API key: other machines could use the model. Pass --api-key-file, or keep the default host ${DEFAULT_HOST}`);
  }
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  checkBindSafety(host, options.apiKey);
  const parallel = Math.max(1, options.parallel ?? 1);
  const queued = options.queue ?? parallel * 4;
  const log = options.log ?? ((line: string) => process.stderr.write(line));
  const ctx: ServeContext = {
    engine: options.engine,
    modelId: path.basename(options.modelPath).replace(/\.(gguf|llamafile)$/i, ''),
    state: { phase: 'loading', info: null, error: null },
    gate: new Gate(parallel, queued),
    chatLane: new Gate(1, queued),
    limits: { ...DEFAULT_LIMITS, ...options.limits },
  };

  const server = http.createServer((req, res) => void handle(req, res));
  // Slow or idle clients must not hold sockets forever.
  server.headersTimeout = 20_000;
  server.requestTimeout = 0; // generation may take long; the engine bounds it

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const record: RequestRecord = { method: req.method ?? '?', path: url.pathname, status: 0, ms: 0 };
    const abort = new AbortController();
    // 'close' before the answer is complete: the client went away; its generation stops.
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
      record.ms = performance.now() - started;
      if (!res.writableFinished && record.status === 0) record.status = 499;
      log(formatRequestLine(record, options.logPrompts ?? false));
    });
    const headers = corsHeaders(req, options.cors ?? null);
    const call: Call = { req, res, signal: abort.signal, headers, record };
    try {
      if (req.method === 'OPTIONS') {
        // A preflight is answered only for the allowed origin.
        if (Object.keys(headers).length === 0) throw new HttpError(405, 'E_INVALID_ARGUMENT', 'cross-origin requests are not enabled on this server (see --cors)');
        res.writeHead(204, headers).end();
        record.status = 204;
        return;
      }
      const route = ROUTES.get(url.pathname);
      if (!route) throw new HttpError(404, 'E_INVALID_ARGUMENT', `no endpoint ${url.pathname}`);
      if (req.method !== route.method) throw new HttpError(405, 'E_INVALID_ARGUMENT', `${url.pathname} takes ${route.method}, not ${req.method}`);
      if (!route.open && options.apiKey) checkBearer(req, options.apiKey);
      await route.handler(ctx, call);
    } catch (err) {
      if (abort.signal.aborted && isAbort(err)) {
        record.status = 499;
        return;
      }
      const e = asHttpError(err);
      record.status = e.status;
      record.code = e.code;
      sendError(res, e, headers);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const ready = options.engine.load(options.modelPath, options.load ?? {}).then(
    (info) => {
      ctx.state = { phase: 'ready', info, error: null };
    },
    (err: Error) => {
      ctx.state = { phase: 'failed', info: null, error: err.message };
      throw err;
    },
  );
  // The caller may not await it; health reports the failure either way.
  ready.catch(() => undefined);

  let closing: Promise<void> | null = null;
  return {
    host,
    port: (server.address() as AddressInfo).port,
    ready,
    close() {
      closing ??= (async () => {
        ctx.gate.failWaiting(new EngineError('E_ENGINE_UNAVAILABLE', 'the server is shutting down'));
        ctx.chatLane.failWaiting(new EngineError('E_ENGINE_UNAVAILABLE', 'the server is shutting down'));
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await options.engine.dispose();
      })();
      return closing;
    },
  };
}

/** GET /health: 200 {"status":"ok"} once the model answers, else 503 (no API key needed: load balancers poll it). */
import type { Handler } from '../context';
import { sendJson } from '../http-error';

export const health: Handler = async (ctx, call) => {
  const busyStates = new Set(['starting', 'loading', 'restarting', 'failed']);
  let status = ctx.state.phase === 'ready' ? 'ok' : ctx.state.phase === 'loading' ? 'loading model' : 'error';
  if (status === 'ok') {
    // The engine process may be restarting after a crash: say so rather than ok.
    const s = await ctx.engine.status();
    if (busyStates.has(s.state)) status = s.state === 'failed' ? 'error' : 'loading model';
  }
  const body: Record<string, unknown> = { status };
  if (status === 'error' && ctx.state.error) body.error = ctx.state.error;
  sendJson(call.res, status === 'ok' ? 200 : 503, body, status === 'ok' ? call.headers : { ...call.headers, 'Retry-After': '2' });
  call.record.status = status === 'ok' ? 200 : 503;
};

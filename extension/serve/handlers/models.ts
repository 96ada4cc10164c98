/** GET /v1/models: the OpenAI model list, holding the one model this server runs. */
import type { Handler } from '../context';
import { sendJson } from '../http-error';

export const models: Handler = async (ctx, call) => {
  const info = ctx.state.info;
  const meta = info ? { architecture: info.architecture, n_ctx: info.contextLength, fim: info.fim, size: info.sizeBytes } : null;
  sendJson(call.res, 200, { object: 'list', data: [{ id: ctx.modelId, object: 'model', created: 0, owned_by: 'hearth', meta }] }, call.headers);
  call.record.status = 200;
};

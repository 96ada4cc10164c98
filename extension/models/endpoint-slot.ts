/**
 * hearth.provider = endpoint: completions and chat go to an OpenAI-compatible
 * server (hearth serve, llama-server, a team's vLLM) through HttpEngine
 * instead of Hearth's own engine. The URL and model are user settings only
 * (config.ts readEndpointConfig), the API key is in VS Code's secret storage,
 * and a plain-http URL is refused unless it is this machine
 * (checkEndpointUrl). One HttpEngine per (url, model, key); a server that
 * failed is asked again after RETRY_MS, not on every keystroke.
 */
import * as vscode from 'vscode';
import { HttpEngine } from '../host/http-engine';
import { checkEndpointUrl } from '../host/endpoint-url';
import type { EnginePort, ModelInfo } from '../host/engine-port';
import type { EndpointConfig } from '../config';

/** Where the API key is kept (context.secrets). */
export const ENDPOINT_KEY_SECRET = 'hearth.endpoint.apiKey';
/** How long a failed server is left alone before the next try (an interactive request tries at once). */
export const RETRY_MS = 15_000;

export interface EndpointStatus {
  state: 'ready' | 'idle' | 'error';
  /** "model @ host", or the host before the first answer. */
  label: string;
  detail: string;
}

/** "server.example:8443" of a URL, for labels. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export class EndpointSlot {
  private current: { key: string; url: string; engine: HttpEngine; info: ModelInfo | null; error: string | null; failedAt: number } | null = null;

  /** `onChange`: the status changed (a model described, a failure); not called per request. */
  constructor(
    private readonly secrets: Pick<vscode.SecretStorage, 'get'>,
    private readonly onChange: () => void = () => {},
  ) {}

  /** The server's engine with its model described, or null after saying why (interactive) or quietly. */
  async engineFor(ep: EndpointConfig, interactive: boolean): Promise<{ engine: EnginePort; info: ModelInfo } | null> {
    const refused = ep.url ? checkEndpointUrl(ep.url) : 'no server is set (hearth.endpoint.url is empty)';
    if (refused) {
      if (interactive) void vscode.window.showErrorMessage(`Hearth cannot use the endpoint: ${refused}. Set hearth.endpoint.url in your user settings, or hearth.provider back to local.`);
      return null;
    }
    const apiKey = (await this.secrets.get(ENDPOINT_KEY_SECRET)) || undefined;
    const key = JSON.stringify([ep.url, ep.model, apiKey ?? '']);
    if (this.current?.key !== key) {
      void this.current?.engine.dispose();
      this.current = { key, url: ep.url, engine: new HttpEngine({ baseUrl: ep.url, model: ep.model || undefined, apiKey }), info: null, error: null, failedAt: 0 };
    }
    const c = this.current;
    if (!c.info) {
      if (c.error && !interactive && Date.now() - c.failedAt < RETRY_MS) return null;
      try {
        c.info = await c.engine.load('', {});
        c.error = null;
        this.onChange();
      } catch (err) {
        c.error = (err as Error).message;
        c.failedAt = Date.now();
        this.onChange();
        if (interactive) void vscode.window.showErrorMessage(`Hearth cannot use the server at ${hostOf(ep.url)}: ${c.error}`);
        return null;
      }
    }
    return { engine: c.engine, info: c.info };
  }

  status(ep: EndpointConfig): EndpointStatus {
    const c = this.current;
    const host = hostOf(ep.url);
    if (!c || c.url !== ep.url) return { state: 'idle', label: host || 'no server', detail: `endpoint ${ep.url || '(hearth.endpoint.url is empty)'}, not asked yet` };
    if (c.info) return { state: 'ready', label: `${c.info.name} @ ${host}`, detail: `endpoint ${ep.url}, model ${c.info.name}` };
    return { state: c.error ? 'error' : 'idle', label: host, detail: `endpoint ${ep.url}${c.error ? `: ${c.error}` : ''}` };
  }

  dispose(): void {
    void this.current?.engine.dispose();
    this.current = null;
  }
}

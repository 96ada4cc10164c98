/**
 * CORS is off unless the operator names one origin (--cors): a page on some
 * other site must not be able to drive a local model through the browser.
 * With an origin set, only requests from that origin get the headers.
 */
import type { IncomingMessage } from 'http';

export function corsHeaders(req: IncomingMessage, allowed: string | null): Record<string, string> {
  if (!allowed || req.headers.origin !== allowed) return {};
  return {
    'Access-Control-Allow-Origin': allowed,
    'Access-Control-Allow-Headers': 'Authorization, Content-Type',
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  };
}

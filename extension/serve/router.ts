/**
 * The routing table: a path and method to a handler, and whether it needs the
 * API key. Exact paths only: the surface is a handful of fixed endpoints, so a
 * map says it all (no patterns, no framework).
 */
import type { Handler } from './context';
import { health } from './handlers/health';
import { models } from './handlers/models';
import { chatCompletions } from './handlers/chat-completions';
import { infill } from './handlers/infill';
import { completions } from './handlers/completions';
import { detokenize, tokenize } from './handlers/tokens';

export interface Route {
  method: 'GET' | 'POST';
  handler: Handler;
  /** Every endpoint but /health needs the bearer token when a key is set. */
  open?: boolean;
}

export const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  ['/health', { method: 'GET', handler: health, open: true }],
  ['/v1/models', { method: 'GET', handler: models }],
  ['/v1/chat/completions', { method: 'POST', handler: chatCompletions }],
  ['/v1/completions', { method: 'POST', handler: completions }],
  ['/infill', { method: 'POST', handler: infill }],
  ['/tokenize', { method: 'POST', handler: tokenize }],
  ['/detokenize', { method: 'POST', handler: detokenize }],
]);

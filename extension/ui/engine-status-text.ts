/**
 * The words of "Show Engine Status": a brief line per role for the
 * notification (which VS Code cuts at about 1000 characters, so the engine's
 * long fallback reasons would hide the chat role's line), and the full line
 * for the log. Pure.
 */
import type { ManagerStatus } from '../models/model-manager';

export function engineStatusLine(s: ManagerStatus, brief: boolean): string {
  const head = `${s.role}: ${s.model ?? 'no model'} — ${s.state}${s.tokensPerSecond ? `, ${s.tokensPerSecond.toFixed(1)} tok/s` : ''}`;
  if (!brief) return `${head} (${s.detail})`;
  // No model, or why it failed: the detail is the message.
  if (s.state === 'no-model' || s.state === 'error') return `${head}: ${s.detail}`;
  const where = [s.compute, s.threads ? `${s.threads} thread${s.threads === 1 ? '' : 's'}` : undefined].filter(Boolean).join(', ');
  return `${head}${where ? `, ${where}` : ''}${s.loadedWith ? ` (loaded with ${s.loadedWith})` : ''}`;
}

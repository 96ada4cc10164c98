/**
 * One line per request on stderr: method, path, status, tokens where known,
 * time. Prompt text only with --log-prompts: prompts are often private code.
 */
export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  ms: number;
  promptTokens?: number;
  generatedTokens?: number;
  code?: string;
  prompt?: string;
}

export function formatRequestLine(r: RequestRecord, logPrompts: boolean): string {
  const parts = [`hearth serve: ${r.method} ${r.path} ${r.status}`];
  if (r.promptTokens !== undefined) parts.push(`prompt=${r.promptTokens}`);
  if (r.generatedTokens !== undefined) parts.push(`gen=${r.generatedTokens}`);
  parts.push(`${Math.round(r.ms)}ms`);
  if (r.code) parts.push(r.code);
  if (logPrompts && r.prompt !== undefined) parts.push(`prompt_text=${JSON.stringify(r.prompt)}`);
  return parts.join(' ') + '\n';
}

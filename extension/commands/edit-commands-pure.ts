/** The vscode-free parts of the edit commands: the rewrite prompt and reading its reply. */
import { REWRITE_MARKER } from '../host/fake-engine';

export const REWRITE_SYSTEM_PROMPT = `${REWRITE_MARKER} the user gives according to their instruction. Reply with only the complete new code in one fenced code block, no explanation.`;

/** The code of the first fenced block, else the whole reply. */
export function extractCode(reply: string): string {
  const m = /```[^\n]*\n([\s\S]*?)```/.exec(reply);
  return (m ? m[1] : reply).replace(/\n$/, '');
}

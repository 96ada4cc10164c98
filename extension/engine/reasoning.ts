/**
 * The reasoning that thinking models (Qwen3, DeepSeek-R1 and their
 * distillations) write between <think> and </think> before an answer. It
 * never becomes ghost text, and past chat turns go back to the model without
 * it: Qwen3's own template drops it from history, but Hearth renders
 * templates over placeholders (host/child/chat-prompt.ts), so the template never
 * sees the text and cannot.
 */
const OPEN = '<think>';
const CLOSE = '</think>';

/** text without its reasoning blocks: closed ones, a leading one the prompt opened, and an unfinished one. */
export function stripReasoning(text: string): string {
  let out = text;
  // A reply whose <think> was part of the prompt starts inside the block.
  const close = out.indexOf(CLOSE);
  const open = out.indexOf(OPEN);
  if (close >= 0 && (open < 0 || close < open)) out = out.slice(close + CLOSE.length);
  out = out.replace(/<think>[\s\S]*?<\/think>/g, '');
  // Cut off mid-thought: nothing after an unclosed <think> is an answer.
  const unclosed = out.indexOf(OPEN);
  if (unclosed >= 0) out = out.slice(0, unclosed);
  return out === text ? text : out.replace(/^\s+/, '');
}

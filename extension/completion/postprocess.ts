/**
 * Last checks on a finished completion before it becomes ghost text.
 * Returns null where nothing should be shown.
 */
import { stripReasoning } from '../engine/reasoning';

export interface PostprocessContext {
  linePrefix: string;
  lineSuffix: string;
  /** Document lines after the cursor's line. */
  nextLines: string[];
}

export interface Suggestion {
  text: string;
  /** Characters after the cursor that the suggestion replaces (auto-closed brackets, quotes). */
  replaceChars: number;
}

export function postprocessCompletion(raw: string, ctx: PostprocessContext): Suggestion | null {
  // A thinking model's reasoning is never code to insert.
  let text = stripReasoning(raw).replace(/[ \t]+$/gm, '').replace(/\n+$/, '');
  if (text.trim() === '') return null;
  const firstLine = text.split('\n')[0];
  const nextNonEmpty = ctx.nextLines.find((l) => l.trim() !== '')?.trim();
  // A copy of the line below (the model re-typing code that is already there).
  if (nextNonEmpty && !text.includes('\n') && (ctx.linePrefix + firstLine).trim() === nextNonEmpty) return null;
  let replaceChars = 0;
  const suffix = ctx.lineSuffix.trimEnd();
  if (suffix !== '') {
    if (!text.includes('\n') && text.endsWith(suffix)) {
      // The model also typed what is right of the cursor (e.g. an auto-closed
      // bracket): replace it instead of doubling it.
      replaceChars = ctx.lineSuffix.length;
    } else if (!text.includes('\n') && suffix.startsWith(text.trim())) {
      return null; // only re-types what is already to the right
    }
  }
  if (text.trim() === '') return null;
  text = text.replace(/\s+$/, '');
  return { text, replaceChars };
}

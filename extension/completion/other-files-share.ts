/**
 * The split of a completion's prompt window between the file being edited and
 * snippets of other files (setting hearth.completion.otherFilesShare). One
 * place derives both sides from the setting, so the ring never cuts chunks
 * that the prompt builder then has no room for.
 */
import { DEFAULT_BUDGET, type FimBudget } from './fim-prompt';

/** Bounds and default of hearth.completion.otherFilesShare (package.json says the same). */
export const OTHER_FILES_SHARE = { min: 0, max: 0.5, default: 0.25 } as const;

/** A setting value as a usable share: out-of-range or non-numeric values fall back or clamp. */
export function clampOtherFilesShare(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return OTHER_FILES_SHARE.default;
  return Math.min(OTHER_FILES_SHARE.max, Math.max(OTHER_FILES_SHARE.min, value));
}

/** The share in force: hearth.completion.otherFiles off means none at all. */
export function effectiveOtherFilesShare(otherFiles: boolean, share: number): number {
  return otherFiles ? clampOtherFilesShare(share) : 0;
}

/** Tokens all other-file chunks of one prompt may take together. */
export function otherFilesTokens(windowTokens: number, share: number): number {
  return Math.max(0, Math.floor(windowTokens * clampOtherFilesShare(share)));
}

/**
 * The FIM budget for a window and share. The prompt builder gives the local
 * text at most floor(window × localShare) tokens, so what it leaves for other
 * files is never less than otherFilesTokens(window, share).
 */
export function completionBudget(windowTokens: number, share: number): FimBudget {
  return { ...DEFAULT_BUDGET, windowTokens, localShare: 1 - clampOtherFilesShare(share) };
}

/**
 * What the replay needs from a completion stack (Hearth's pipeline, or
 * llama.vscode's client over llama-server): the editor events it reacts to,
 * and afterwards what its engine did, request by request.
 */
import type { EditorDocument } from './editor';

export interface ShownSuggestion {
  text: string;
  /** Characters right of the cursor the suggestion replaces on accept. */
  replaceChars: number;
}

export interface DriverResult {
  /** null: nothing to show. */
  suggestion: ShownSuggestion | null;
  fromCache: boolean;
}

/** One request that reached the engine (or server), with what it cost. */
export interface RequestRecord {
  /** ms since the replay began. */
  startMs: number;
  endMs: number;
  /**
   * request: the suggestion for a key; prefetch: work ahead of the user
   * (Hearth's cursor/accept prefetch, llama.vscode's "future suggestion");
   * prep: llama.vscode's ring update (evaluates the ring chunks, no tokens).
   */
  kind: 'request' | 'prefetch' | 'prep';
  /** superseded: finished, but for a key the user had typed past (llama.vscode does not cancel its HTTP requests). */
  outcome: 'done' | 'aborted' | 'error' | 'superseded';
  /** Prompt tokens in all, and those evaluated (not reused from the KV cache); null when unknown. */
  promptTokens: number | null;
  evaluatedTokens: number | null;
  generatedTokens: number | null;
  /** CPU time the engine spent on it (Hearth: this process; peer: the server process). */
  cpuMs: number;
  /** Work thrown away: cancelled or superseded, or a prefetch nobody asked for. */
  wasted: boolean;
}

/** Read access to the replay's editor (drivers must not change it). */
export interface EditorView {
  doc(index?: number): EditorDocument;
  isDirty(index?: number): boolean;
  readonly active: number;
  readonly fileCount: number;
  cursorLine(): number;
}

/** What happened in the replay, for deciding which work was wasted. */
export interface ReplayTimeline {
  /** ms since the replay began, of every keystroke. */
  keyTimes: readonly number[];
  /** ms since the replay began, of every cursor jump. */
  jumpTimes: readonly number[];
}

export interface DriverReport {
  requests: RequestRecord[];
  /** All CPU time of the engine over the replay (Hearth: this process; peer: the server process). */
  totalCpuMs: number;
}

export interface CompletionDriver {
  readonly name: string;
  /** A fresh replay: new pipeline state (caches, ring), the clock to stamp records with. */
  begin(clock: () => number, editor: EditorView): Promise<void>;
  /** A file is open in the editor (all trace files are, from the start). */
  fileOpened(doc: EditorDocument): void;
  /** The active editor changed (a jump to another file). */
  activeChanged(previous: EditorDocument, next: EditorDocument): void;
  /** The cursor landed somewhere new without typing. */
  cursorMoved(doc: EditorDocument): void;
  /** The document changed by a key (before complete() is called for it). */
  edited(doc: EditorDocument): void;
  saved(doc: EditorDocument): void;
  /** Tab on shown ghost text: `before` is the document before the insert. */
  accepted(before: EditorDocument, shown: string): void;
  /** The inline completion call for a key; resolves (never rejects) when aborted. */
  complete(doc: EditorDocument, signal: AbortSignal): Promise<DriverResult>;
  /** Waits for background work, then reports the requests and CPU time. */
  end(timeline: ReplayTimeline): Promise<DriverReport>;
}

/**
 * Replays a trace in real time through a completion driver, as VS Code
 * would call an inline completion provider: every key calls complete() at
 * once and cancels the previous key's call; ghost text counts as shown when
 * the call for the latest key resolves with a suggestion before the next
 * key. Accept opportunities take what is shown (bench/latency/trace.ts).
 */
import { EditorSim } from './editor';
import type { CompletionDriver, RequestRecord, ShownSuggestion } from './driver';
import type { JumpKind, Trace } from './trace';

export type KeyKind = 'key' | 'backspace' | 'tab' | 'type-through';

export interface KeyRecord {
  /** ms since the replay began. */
  t: number;
  /** Index of the site (0: where the user starts; each jump begins the next). */
  site: number;
  kind: KeyKind;
  /** The document and cursor offset after the key. */
  relPath: string;
  offset: number;
  /** Key to ghost text, ms; null: nothing shown before the next key. */
  shownMs: number | null;
  /**
   * Key to the pipeline's answer, ms, shown or not (a random-weights model's
   * suggestion can be empty text: padding tokens); null: no answer before the next key.
   */
  answeredMs: number | null;
  fromCache: boolean;
}

export interface JumpRecord {
  t: number;
  site: number;
  kind: JumpKind;
}

export interface ReplayResult {
  driver: string;
  keys: KeyRecord[];
  jumps: JumpRecord[];
  /** ms since the replay began when it stopped watching (tailMs after the last key). */
  endMs: number;
  requests: RequestRecord[];
  totalCpuMs: number;
  accepts: { offered: number; tab: number; typeThrough: number };
  /** complete() calls that failed (not cancellations). */
  errors: string[];
}

export interface ReplayOptions {
  /** How long the replay waits after the last key before it stops (the last key's pause). */
  tailMs: number;
  /** Wall clock, ms (performance.now by default; a test may pass its own). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, ms)));

export async function replay(trace: Trace, driver: CompletionDriver, opts: ReplayOptions): Promise<ReplayResult> {
  const wall = opts.now ?? (() => performance.now());
  const sleep = opts.sleep ?? realSleep;
  const editor = new EditorSim(trace.files);
  const t0 = wall();
  const now = (): number => wall() - t0;
  const sleepUntil = async (due: number): Promise<void> => {
    const d = due - now();
    if (d > 0) await sleep(d);
  };
  await driver.begin(now, editor);
  for (let i = 0; i < editor.fileCount; i++) driver.fileOpened(editor.doc(i));

  const keys: KeyRecord[] = [];
  const jumps: JumpRecord[] = [];
  const errors: string[] = [];
  const accepts = { offered: 0, tab: 0, typeThrough: 0 };
  const pending: Promise<void>[] = [];
  // The latest key's call, and the ghost text on screen (set from callbacks, hence an object).
  const screen: { live: { ac: AbortController; rec: KeyRecord } | null; shown: { rec: KeyRecord; suggestion: ShownSuggestion } | null } = { live: null, shown: null };
  let site = -1;
  let leftSite = false;
  let due = 0;

  const press = (kind: KeyKind, doc: ReturnType<EditorSim['doc']>): void => {
    // VS Code cancels the provider call of the previous key.
    screen.live?.ac.abort();
    screen.shown = null;
    const ac = new AbortController();
    const rec: KeyRecord = { t: now(), site, kind, relPath: doc.relPath, offset: doc.offset, shownMs: null, answeredMs: null, fromCache: false };
    keys.push(rec);
    screen.live = { ac, rec };
    driver.edited(doc);
    pending.push(
      driver.complete(doc, ac.signal).then(
        (r) => {
          if (ac.signal.aborted) return;
          rec.answeredMs = now() - rec.t;
          if (!r.suggestion) return;
          rec.shownMs = now() - rec.t;
          rec.fromCache = r.fromCache;
          screen.shown = { rec, suggestion: r.suggestion };
        },
        (err: unknown) => {
          errors.push(err instanceof Error ? `${(err as { code?: string }).code ?? ''} ${err.message}` : String(err));
        },
      ),
    );
  };

  for (const op of trace.ops) {
    // After a Tab the user has left the site: its remaining keys never come.
    if (leftSite && op.kind !== 'jump') continue;
    due += op.gapMs;
    await sleepUntil(due);
    switch (op.kind) {
      case 'jump': {
        leftSite = false;
        site++;
        // Moving the cursor hides ghost text and cancels the pending call.
        screen.live?.ac.abort();
        screen.live = null;
        screen.shown = null;
        const before = editor.active;
        const prevDoc = editor.doc();
        const doc = editor.jump(op.file, op.line, op.lines);
        jumps.push({ t: now(), site, kind: op.jump });
        if (before !== op.file) driver.activeChanged(prevDoc, doc);
        driver.cursorMoved(doc);
        break;
      }
      case 'key':
        press('key', editor.type(op.text));
        break;
      case 'backspace':
        press('backspace', editor.backspace());
        break;
      case 'save':
        editor.save();
        driver.saved(editor.doc());
        break;
      case 'accept': {
        accepts.offered++;
        const current = screen.shown;
        if (!current || current.rec !== screen.live?.rec) break;
        const s = current.suggestion;
        if (op.mode === 'tab') {
          accepts.tab++;
          driver.accepted(editor.doc(), s.text);
          press('tab', editor.acceptText(s.text, s.replaceChars));
          leftSite = true;
        } else {
          accepts.typeThrough++;
          const chars = [...s.text.split('\n')[0]].slice(0, op.typeGapsMs.length);
          for (const [j, ch] of chars.entries()) {
            if (j > 0) {
              due += op.typeGapsMs[j];
              await sleepUntil(due);
            }
            press('type-through', editor.type(ch));
          }
        }
        break;
      }
    }
  }
  due += opts.tailMs;
  await sleepUntil(due);
  const endMs = now();
  screen.live?.ac.abort();
  await Promise.all(pending);
  const report = await driver.end({ keyTimes: keys.map((k) => k.t), jumpTimes: jumps.map((j) => j.t) });
  return { driver: driver.name, keys, jumps, endMs, requests: report.requests, totalCpuMs: report.totalCpuMs, accepts, errors };
}

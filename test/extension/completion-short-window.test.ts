/**
 * The short window's far end stays put while the user types at a site (up to
 * SHORT_WINDOW_SLACK times its budget), so the engine finds its cached short
 * window unchanged up to the typed text; with the budget's own 4-line steps
 * it moved every few lines of typing and each move re-evaluated the whole
 * window on that key (measured: most of the pauses left without ghost text).
 */
import { strict as assert } from 'assert';
import { CompletionEngine, DEFAULT_COMPLETION_SETTINGS, type CompletionSettings } from '../../extension/completion/completion-engine';
import { ChunkRing } from '../../extension/completion/chunk-ring';
import { estimateTokens } from '../../extension/completion/fim-prompt';
import type { EnginePort, FimRequest } from '../../extension/host/engine-port';

const SETTINGS: CompletionSettings = { ...DEFAULT_COMPLETION_SETTINGS, maxTokens: 4, alternatives: 0, otherFiles: false, shortWindowTokens: 48, prefetch: false };
const LINES = Array.from({ length: 60 }, (_, i) => `value_${i} = compute(${i}) + 1`);

function recordingEngine(seen: FimRequest[]): EnginePort {
  return {
    complete(request: FimRequest): AsyncIterable<string> {
      seen.push(request);
      return (async function* () {
        yield '\u00a7';
      })();
    },
  } as unknown as EnginePort;
}

describe('completion: the short window while typing', () => {
  it('keeps its start while the typed lines fit the slack, then moves forward once', async () => {
    const seen: FimRequest[] = [];
    const completions = new CompletionEngine(() => recordingEngine(seen), new ChunkRing(), () => SETTINGS);
    let text = LINES.join('\n');
    let offset = LINES.slice(0, 40).join('\n').length;
    const starts: number[] = [];
    // Type 12 new lines at the end of line 39, a key at a time.
    for (let l = 0; l < 12; l++) {
      for (const ch of `\nnew_${l} = f(${l})`) {
        text = text.slice(0, offset) + ch + text.slice(offset);
        offset++;
        completions.cancel();
        await completions.complete({ relPath: 'a.py', text, offset });
        const r = seen[seen.length - 1];
        const w = r.shortWindow;
        assert.ok(w, 'a short window is sent');
        const start = offset - w.prefix.length;
        assert.equal(text.slice(start, offset), w.prefix, 'the prefix ends at the cursor');
        assert.ok(start === 0 || text[start - 1] === '\n', 'the prefix starts at a line start');
        assert.ok(estimateTokens(w.prefix) <= 48 * 1.75, `prefix of ${estimateTokens(w.prefix)} tokens`);
        if (starts[starts.length - 1] !== start) starts.push(start);
      }
    }
    // 12 lines of ~5 tokens: without the slack the start moved every 4 lines (3+ times).
    assert.ok(starts.length <= 2, `the short window's start moved ${starts.length - 1} times: ${starts.join(', ')}`);
    assert.ok(starts.length < 2 || starts[1] > starts[0], 'it only moves forward');
  });

  it('a new place (another file or above the start) takes a fresh start', async () => {
    const seen: FimRequest[] = [];
    const completions = new CompletionEngine(() => recordingEngine(seen), new ChunkRing(), () => SETTINGS);
    const text = LINES.join('\n');
    const at = (line: number): number => LINES.slice(0, line).join('\n').length;
    await completions.complete({ relPath: 'a.py', text, offset: at(40) });
    const first = at(40) - (seen[0].shortWindow as { prefix: string }).prefix.length;
    await completions.complete({ relPath: 'a.py', text, offset: at(20) });
    const second = at(20) - (seen[1].shortWindow as { prefix: string }).prefix.length;
    assert.ok(second < first, 'moving up re-anchors');
    // Another file gets the budget's own cut, as an engine with no history gives it.
    await completions.complete({ relPath: 'b.py', text, offset: at(41) });
    const fresh: FimRequest[] = [];
    await new CompletionEngine(() => recordingEngine(fresh), new ChunkRing(), () => SETTINGS).complete({ relPath: 'b.py', text, offset: at(41) });
    assert.equal((seen[2].shortWindow as { prefix: string }).prefix, (fresh[0].shortWindow as { prefix: string }).prefix);
  });
});

/**
 * Work before the key on the real engine (random qwen2 with Qwen FIM tokens,
 * test/helpers/fim-model.ts), read from the engine's own per-run figures
 * (NativeEngine.onCompletionStats): after a prefetch where the cursor landed,
 * the first key there evaluates only the few new tokens, where without it
 * the whole window is evaluated; a new site is answered from the short window
 * while the full one fills behind, and the full one serves once cached.
 */
import { strict as assert } from 'assert';
import { NativeEngine, type CompletionStats } from '../../extension/host/child/native-engine';
import { CompletionEngine, DEFAULT_COMPLETION_SETTINGS, type CompletionSettings } from '../../extension/completion/completion-engine';
import { ChunkRing } from '../../extension/completion/chunk-ring';
import { qwenFimModel } from '../helpers/fim-model';
import { REPO_ROOT } from '../helpers/fixtures';
import { EngineProcess } from '../../extension/host/parent/engine-process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** A 120-line Python file of distinct lines, the cursor at the start of line 80's body. */
const LINES = Array.from({ length: 120 }, (_, i) => `    total_${i} = compute_value(items[${i}], scale=${i * 3}) + offset`);
const FILE = LINES.join('\n');
const SITE = LINES.slice(0, 80).join('\n').length + 1 + 4;

const SETTINGS: CompletionSettings = {
  ...DEFAULT_COMPLETION_SETTINGS,
  maxTokens: 8,
  maxLines: 1000,
  alternatives: 0,
  otherFiles: false,
  timeBudgetMs: 60000,
};

function typed(text: string, offset: number, ch: string): { relPath: string; text: string; offset: number } {
  return { relPath: 'calc.py', text: text.slice(0, offset) + ch + text.slice(offset), offset: offset + 1 };
}

describe('native engine: completion prefetch and windows', function () {
  this.timeout(180000);
  let modelPath: string;

  before(async function () {
    modelPath = await qwenFimModel();
  });

  async function setup(settings: CompletionSettings): Promise<{ engine: NativeEngine; completions: CompletionEngine; stats: CompletionStats[] }> {
    const engine = new NativeEngine();
    await engine.load(modelPath, { contextTokens: 2048, threads: 1 });
    const stats: CompletionStats[] = [];
    engine.onCompletionStats = (s) => stats.push(s);
    return { engine, completions: new CompletionEngine(() => engine, new ChunkRing(), () => settings), stats };
  }

  it('a prefetch where the cursor landed makes the first key evaluate only a few tokens', async () => {
    const { engine, completions, stats } = await setup({ ...SETTINGS, shortWindowTokens: 0 });
    try {
      completions.cursorMoved({ relPath: 'calc.py', text: FILE, offset: SITE });
      await engine.completionIdle();
      const pre = stats.filter((s) => s.kind === 'prefetch');
      assert.equal(pre.length, 1);
      assert.equal(pre[0].outcome, 'done');
      assert.equal(pre[0].generatedTokens, 0, 'a prefetch only evaluates');
      assert.ok(pre[0].evaluatedTokens > 300, `the window was evaluated (${pre[0].evaluatedTokens})`);
      const r = await completions.complete(typed(FILE, SITE, 'r'));
      assert.ok(r.suggestion, 'ghost text');
      const req = stats.filter((s) => s.kind === 'request');
      assert.equal(req.length, 1);
      assert.equal(req[0].outcome, 'done');
      assert.equal(req[0].generatedTokens, 8, 'generation stops at exactly maxTokens');
      assert.ok(req[0].promptTokens > 300);
      assert.ok(req[0].evaluatedTokens <= 8, `only the typed tokens were evaluated (${req[0].evaluatedTokens} of ${req[0].promptTokens})`);
      assert.ok(req[0].cpuMs >= 0 && req[0].promptMs >= 0 && req[0].genMs > 0);
    } finally {
      await engine.dispose();
    }
  });

  it('without the prefetch the first key evaluates the whole window', async () => {
    const { engine, completions, stats } = await setup({ ...SETTINGS, shortWindowTokens: 0 });
    try {
      await completions.complete(typed(FILE, SITE, 'r'));
      const req = stats.filter((s) => s.kind === 'request');
      assert.equal(req.length, 1);
      assert.ok(req[0].evaluatedTokens > 300, `${req[0].evaluatedTokens}`);
    } finally {
      await engine.dispose();
    }
  });

  it('answers a new site from the short window, fills the full one behind, then uses it', async () => {
    const { engine, completions, stats } = await setup({ ...SETTINGS, shortWindowTokens: 96 });
    try {
      // No speed measured yet: the engine assumes a modest one, so a whole window is too much.
      const first = await completions.complete(typed(FILE, SITE, 'r'));
      assert.ok(first.suggestion);
      assert.equal(engine.lastCompletionWindow, 'short');
      const req1 = stats.filter((s) => s.kind === 'request')[0];
      assert.ok(req1.promptTokens < 200, `the short prompt (${req1.promptTokens} tokens)`);
      await engine.completionIdle();
      const pre = stats.filter((s) => s.kind === 'prefetch');
      assert.equal(pre.length, 1, 'the full window was filled in the background');
      assert.ok(pre[0].promptTokens > 300 && pre[0].outcome === 'done');
      await completions.complete(typed(typed(FILE, SITE, 'r').text, SITE + 1, 'e'));
      assert.equal(engine.lastCompletionWindow, 'full');
      const req2 = stats.filter((s) => s.kind === 'request')[1];
      assert.ok(req2.promptTokens > 300 && req2.evaluatedTokens <= 8, `full window, few tokens (${req2.evaluatedTokens} of ${req2.promptTokens})`);
      // The cursor moves a few characters within the cached window: no short window is evaluated for it.
      const seen = stats.length;
      completions.cursorMoved({ relPath: 'calc.py', text: FILE, offset: SITE + 10 });
      await engine.completionIdle();
      const after = stats.slice(seen);
      assert.ok(after.every((st) => st.kind === 'prefetch' && st.promptTokens > 300 && st.evaluatedTokens < 40), JSON.stringify(after));
    } finally {
      await engine.dispose();
    }
  });

  it('a request preempts a running prefetch, which resumes and keeps its progress', async () => {
    const { engine, completions, stats } = await setup({ ...SETTINGS, shortWindowTokens: 0 });
    try {
      completions.cursorMoved({ relPath: 'calc.py', text: FILE, offset: SITE });
      // A request elsewhere in another file while the prefetch runs.
      await new Promise((r) => setTimeout(r, 5));
      await completions.complete({ relPath: 'other.py', text: 'def f(x):\n    return ', offset: 'def f(x):\n    return '.length });
      await engine.completionIdle();
      const pre = stats.filter((s) => s.kind === 'prefetch');
      const done = pre.filter((s) => s.outcome === 'done');
      assert.equal(done.length, 1, JSON.stringify(pre));
      const evaluated = pre.reduce((a, s) => a + s.evaluatedTokens, 0);
      // Batches evaluated before the preemption are not evaluated again (the other file went to another cache).
      assert.ok(evaluated <= done[0].promptTokens + 1, `${evaluated} evaluated for a ${done[0].promptTokens}-token window`);
      const r = await completions.complete(typed(FILE, SITE, 'r'));
      assert.ok(r.suggestion);
      assert.ok(stats[stats.length - 1].evaluatedTokens <= 8);
    } finally {
      await engine.dispose();
    }
  });

  it('a prefetch from the extension host reaches the engine process (the editor\'s path)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-prefetch-'));
    const statsFile = path.join(dir, 'stats.jsonl');
    const proc = new EngineProcess({
      scriptPath: path.join(REPO_ROOT, 'extension', 'host', 'child', 'engine-host-main.ts'),
      execArgv: ['-r', require.resolve('tsx/cjs')],
      env: { HEARTH_COMPLETION_STATS_FILE: statsFile },
      initialDelayMs: 50,
    });
    try {
      await proc.load(modelPath, { contextTokens: 2048, threads: 1 });
      const completions = new CompletionEngine(() => proc, new ChunkRing(), () => ({ ...SETTINGS, shortWindowTokens: 0 }));
      completions.cursorMoved({ relPath: 'calc.py', text: FILE, offset: SITE });
      const read = (): CompletionStats[] => (fs.existsSync(statsFile) ? fs.readFileSync(statsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as CompletionStats) : []);
      for (let i = 0; i < 200 && !read().some((st) => st.kind === 'prefetch'); i++) await new Promise((r) => setTimeout(r, 50));
      const pre = read().find((st) => st.kind === 'prefetch');
      assert.ok(pre && pre.outcome === 'done' && pre.evaluatedTokens > 300, JSON.stringify(read()));
      await completions.complete(typed(FILE, SITE, 'r'));
      const req = read().filter((st) => st.kind === 'request');
      assert.equal(req.length, 1);
      assert.ok(req[0].evaluatedTokens <= 8, JSON.stringify(req[0]));
    } finally {
      await proc.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

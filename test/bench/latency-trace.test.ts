/** The latency benchmark's trace generator and the editor it is replayed in (bench/latency/trace.ts, editor.ts). */
import { strict as assert } from 'assert';
import { buildTrace, candidateLines, PAUSE_MS, traceKeystrokes, type TraceOp } from '../../bench/latency/trace';
import { loadTraceFiles } from '../../bench/latency/trace-files';
import { EditorSim, lineOf } from '../../bench/latency/editor';
import { parseLatencyArgs } from '../../bench/latency/latency-args';

const files = loadTraceFiles([], process.cwd());

/** Key-to-key gaps of the trace as written (accepts not taken). */
function keyGaps(ops: readonly TraceOp[]): number[] {
  const gaps: number[] = [];
  let sinceKey: number | null = null;
  for (const o of ops) {
    if (sinceKey !== null) sinceKey += o.gapMs;
    if (o.kind === 'key' || o.kind === 'backspace') {
      if (sinceKey !== null) gaps.push(sinceKey);
      sinceKey = 0;
    }
  }
  return gaps;
}

describe('bench: latency trace', () => {
  it('the default files: three languages, one of at least 1,500 lines', () => {
    assert.equal(files.length, 3);
    assert.deepEqual(files.map((f) => f.relPath.split('.').pop()).sort(), ['cpp', 'py', 'ts']);
    assert.ok(files.some((f) => f.text.split('\n').length >= 1500));
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const a = buildTrace(files, { seed: 5, keystrokes: 360, jumpsPerKind: 0 });
    assert.deepEqual(a, buildTrace(files, { seed: 5, keystrokes: 360, jumpsPerKind: 0 }));
    assert.notDeepEqual(a.ops, buildTrace(files, { seed: 6, keystrokes: 360, jumpsPerKind: 0 }).ops);
  });

  it('holds every event kind, at least 6 jumps of each kind, and about the asked keystrokes', () => {
    const t = buildTrace(files, { seed: 11, keystrokes: 360, jumpsPerKind: 0 });
    const kinds = new Set(t.ops.map((o) => (o.kind === 'jump' ? `jump:${o.jump}` : o.kind === 'accept' ? `accept:${o.mode}` : o.kind)));
    for (const k of ['jump:near', 'jump:far', 'jump:file', 'key', 'backspace', 'accept:tab', 'accept:type', 'save']) assert.ok(kinds.has(k), `missing ${k}`);
    for (const j of ['near', 'far', 'file'] as const) {
      // The first jump opens the starting file; it is not one of the counted ones.
      const n = t.ops.slice(1).filter((o) => o.kind === 'jump' && o.jump === j).length;
      assert.ok(n >= 6, `${j}: ${n} jumps`);
    }
    const ks = traceKeystrokes(t);
    assert.ok(ks >= 300 && ks <= 420, `${ks} keystrokes`);
    // Enter keys carry the next line's indent (the editor's auto-indent).
    assert.ok(t.ops.some((o) => o.kind === 'key' && /^\n[ \t]*$/.test(o.text) && o.text.length > 1));
  });

  it("has a person's rhythm: bursts of 80-250 ms and pauses of at least 400 ms", () => {
    const gaps = keyGaps(buildTrace(files, { seed: 11, keystrokes: 360, jumpsPerKind: 0 }).ops);
    const pauses = gaps.filter((g) => g >= PAUSE_MS);
    assert.ok(pauses.length >= 30, `${pauses.length} pauses`);
    assert.ok(gaps.every((g) => g >= 80), 'no key comes faster than 80 ms after the last');
    const bursts = gaps.filter((g) => g < PAUSE_MS);
    assert.ok(bursts.length > gaps.length / 2);
  });

  it('jumps near stay within 25 lines, far ones go at least a third of the file (or 150 lines)', () => {
    const t = buildTrace(files, { seed: 3, keystrokes: 360, jumpsPerKind: 0 });
    let prev: { file: number; line: number } | null = null;
    for (const o of t.ops) {
      if (o.kind !== 'jump') continue;
      if (prev && o.jump !== 'file') {
        assert.equal(o.file, prev.file);
        const d = Math.abs(o.line - prev.line);
        const n = files[o.file].text.split('\n').length;
        if (o.jump === 'near') assert.ok(d >= 3 && d <= 25, `near jump of ${d} lines`);
        else assert.ok(d >= Math.min(150, Math.floor(n / 3)), `far jump of ${d} lines in ${n}`);
      }
      if (prev && o.jump === 'file') assert.notEqual(o.file, prev.file);
      prev = { file: o.file, line: o.line };
    }
  });

  it('replayed without accepts, a site retypes the selected code back into place', () => {
    const t = buildTrace(files, { seed: 11, keystrokes: 120, jumpsPerKind: 0 });
    const ed = new EditorSim(t.files);
    for (const o of t.ops) {
      if (o.kind === 'jump') ed.jump(o.file, o.line, o.lines);
      else if (o.kind === 'key') ed.type(o.text);
      else if (o.kind === 'backspace') ed.backspace();
    }
    // Typos are fixed and every site types the lines it selected, possibly
    // cut short: each document still has its line count.
    t.files.forEach((f, i) => assert.equal(ed.doc(i).text.split('\n').length, f.text.split('\n').length));
  });

  it('the editor: a jump selects to the end of the last line, the first key replaces it, Tab inserts', () => {
    const ed = new EditorSim([{ relPath: 'a.ts', text: 'one\n  two three\n  four\nfive' }, { relPath: 'b.py', text: 'x = 1\n' }]);
    const d = ed.jump(0, 1, 2);
    assert.equal(d.offset, 6);
    assert.equal(ed.type('t').text, 'one\n  t\nfive');
    assert.ok(ed.isDirty(0));
    ed.save();
    assert.ok(!ed.isDirty(0));
    const a = ed.acceptText('wo()', 0);
    assert.equal(a.text, 'one\n  two()\nfive');
    assert.equal(lineOf(a.text, a.offset), 1);
    assert.equal(ed.backspace().text, 'one\n  two(\nfive');
    ed.jump(1, 0, 1);
    assert.equal(ed.active, 1);
    assert.equal(ed.doc(0).offset, 10, 'the file left keeps its cursor');
  });

  it('comment lines are never retyped', () => {
    const lines = ['# a python comment that is long', '// a c comment that is long enough', '    return compute(value, other)'];
    assert.deepEqual(candidateLines(lines), [2]);
  });

  it('flags: defaults, every flag, and clear errors', () => {
    const d = parseLatencyArgs([], 'R');
    assert.deepEqual([d.model, d.tokens, d.threads, d.peer, d.runs, d.resultsDir], ['0.5b-q8_0', 8, 2, true, 1, 'R']);
    const a = parseLatencyArgs(['--files', 'a.ts,b.py', '--model', '1.5b-q4_k_m', '--tokens', '24', '--threads', '4', '--no-peer', '--json', 'o.json', '--runs', '3', '--keystrokes', '60', '--no-save'], 'R');
    assert.deepEqual([a.files, a.model, a.tokens, a.threads, a.peer, a.json, a.runs, a.keystrokes, a.resultsDir], [['a.ts', 'b.py'], '1.5b-q4_k_m', 24, 4, false, 'o.json', 3, 60, null]);
    assert.throws(() => parseLatencyArgs(['--model', '7b'], 'R'), /unknown model 7b/);
    assert.throws(() => parseLatencyArgs(['--tokens', '0'], 'R'), /--tokens wants an integer >= 1/);
    assert.throws(() => parseLatencyArgs(['--files', 'a.ts'], 'R'), /at least two files/);
    assert.throws(() => parseLatencyArgs(['--bogus'], 'R'), /unknown flag --bogus/);
  });
});

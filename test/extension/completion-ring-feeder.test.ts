import { strict as assert } from 'assert';
import { applyChange, EditedRegions, regionInView } from '../../extension/completion/edited-regions';
import { ChunkRing } from '../../extension/completion/chunk-ring';
import { useFakeVscode } from './helpers/with-fake-vscode';
import type * as FakeVscode from './helpers/fake-vscode';
import type { RingFeeder as RingFeederType } from '../../extension/completion/ring-feeder';
import { recordingProvider, invoke, liveToken } from './helpers/recording-provider';
import { estimateTokens } from '../../extension/completion/fim-prompt';
import { otherFilesTokens } from '../../extension/completion/other-files-share';
import type { FimRequest } from '../../extension/host/engine-port';

describe('edited regions', () => {
  it('spans the lines changed since the last save and clears on save', () => {
    const r = new EditedRegions();
    r.change('a', [{ startLine: 40, endLine: 40, text: 'x' }]);
    r.change('a', [{ startLine: 43, endLine: 43, text: 'y\nz' }]);
    assert.deepEqual(r.peek('a'), { start: 40, end: 44, focus: 44 });
    assert.deepEqual(r.take('a'), { start: 40, end: 44, focus: 44 });
    assert.equal(r.take('a'), undefined);
  });

  it('follows lines inserted or deleted above it, spanning every edit, focused on the latest', () => {
    // Three lines inserted at line 2: the old edits move down by three and the span reaches the insert.
    assert.deepEqual(applyChange({ start: 40, end: 44, focus: 44 }, { startLine: 2, endLine: 2, text: 'a\nb\nc\n' }), { start: 2, end: 47, focus: 5 });
    // Lines 10–19 deleted: the old edits move up by ten.
    assert.deepEqual(applyChange({ start: 40, end: 44 }, { startLine: 10, endLine: 20, text: '' }), { start: 10, end: 34, focus: 10 });
    // A change below it extends it; one inside keeps it.
    assert.deepEqual(applyChange({ start: 40, end: 44 }, { startLine: 60, endLine: 60, text: 'q' }), { start: 40, end: 60, focus: 60 });
    assert.deepEqual(applyChange({ start: 40, end: 44 }, { startLine: 41, endLine: 42, text: '' }), { start: 40, end: 43, focus: 41 });
  });

  it('takes the view around the cursor, or its middle', () => {
    assert.deepEqual(regionInView({ start: 100, end: 150 }, 120), { start: 100, end: 150, focus: 120 });
    assert.deepEqual(regionInView({ start: 100, end: 150 }, 10), { start: 100, end: 150, focus: 125 });
    assert.deepEqual(regionInView(undefined, 7), { start: 7, end: 7 });
  });
});

describe('ring feeder (fake vscode)', () => {
  let vscode: typeof FakeVscode;
  let RingFeeder: typeof RingFeederType;
  const lines = Array.from({ length: 300 }, (_, i) => `const v${i} = compute(${i}); // filler text`);
  const file = (): string => lines.join('\n');
  const change = (doc: ReturnType<typeof FakeVscode.fakeDocument>, line: number, text: string) => ({
    document: doc,
    contentChanges: [{ range: new vscode.Range(line, 0, line, 0), text }],
  });

  before(() => {
    vscode = useFakeVscode();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    RingFeeder = (require('../../extension/completion/ring-feeder') as typeof import('../../extension/completion/ring-feeder')).RingFeeder;
  });
  afterEach(() => vscode.recorded.settings.clear());

  it('on save, the lines edited since the last save enter the ring, not the top of the file', () => {
    const ring = new ChunkRing();
    const feeder: RingFeederType = new RingFeeder(ring, () => true);
    const doc = vscode.fakeDocument('/w/src/util.ts', file());
    feeder.changed(change(doc, 200, 'x') as never);
    feeder.changed(change(doc, 203, 'y') as never);
    assert.equal(ring.length, 0, 'nothing enters before the save');
    feeder.saved(doc as never);
    const [c] = ring.forPrompt('other.ts');
    assert.equal(c.path, 'util.ts');
    assert.match(c.text, /const v200 =/);
    assert.match(c.text, /const v203 =/);
    assert.doesNotMatch(c.text, /const v0 =/);
    // Saved again with no edits since: nothing new.
    feeder.saved(doc as never);
    assert.equal(ring.length, 1);
    feeder.dispose();
  });

  it('an editor becoming active gives the region around its cursor; leaving it gives its unsaved edits', () => {
    const ring = new ChunkRing();
    const feeder: RingFeederType = new RingFeeder(ring, () => true);
    const a = vscode.fakeDocument('/w/a.ts', file().replace(/const/g, 'let'));
    const b = vscode.fakeDocument('/w/b.ts', file());
    const editor = (doc: unknown, cursor: number, from: number, to: number) => ({
      document: doc,
      selection: { active: new vscode.Position(cursor, 0) },
      visibleRanges: [new vscode.Range(from, 0, to, 0)],
    });
    feeder.activated(editor(a, 120, 100, 150) as never);
    assert.match(ring.forPrompt('x')[0].text, /let v120 =/);
    feeder.changed(change(a, 250, 'z') as never);
    feeder.activated(editor(b, 5, 0, 40) as never);
    const texts = ring.forPrompt('b.ts').map((c) => c.text);
    assert.ok(texts.some((t) => /let v250 =/.test(t)), 'the unsaved edit of the file left behind');
    assert.ok(ring.forPrompt('a.ts').some((c) => /const v5 =/.test(c.text)));
    feeder.dispose();
  });

  it('keeps files the gates refuse, and non-file documents, out', () => {
    const ring = new ChunkRing();
    const feeder: RingFeederType = new RingFeeder(ring, (d) => !d.uri.path.endsWith('.env'));
    const secret = vscode.fakeDocument('/w/.env', 'TOKEN=abc');
    feeder.changed(change(secret, 0, 'x') as never);
    feeder.saved(secret as never);
    const untitled = { ...vscode.fakeDocument('/w/u.ts', 'let u = 1;'), uri: new vscode.Uri('untitled', 'Untitled-1') };
    feeder.changed(change(untitled as never, 0, 'x') as never);
    feeder.saved(untitled as never);
    assert.equal(ring.length, 0);
    feeder.dispose();
  });

  it('follows hearth.completion.otherFilesShare (and otherFiles off) into the ring budget', async () => {
    const ring = new ChunkRing();
    const feeder: RingFeederType = new RingFeeder(ring, () => true);
    assert.equal(ring.chunkTokens, 128, 'default: 0.25 of 1024 tokens in two chunks');
    await vscode.workspace.getConfiguration('hearth').update('completion.otherFilesShare', 0.5);
    assert.equal(ring.chunkTokens, 256);
    await vscode.workspace.getConfiguration('hearth').update('completion.contextTokens', 2048);
    assert.equal(ring.chunkTokens, 512);
    await vscode.workspace.getConfiguration('hearth').update('completion.otherFilesShare', 0);
    assert.equal(ring.chunkTokens, 0);
    const doc = vscode.fakeDocument('/w/a.ts', file());
    feeder.changed(change(doc, 10, 'x') as never);
    feeder.saved(doc as never);
    assert.equal(ring.length, 0);
    await vscode.workspace.getConfiguration('hearth').update('completion.otherFilesShare', 0.25);
    await vscode.workspace.getConfiguration('hearth').update('completion.otherFiles', false);
    assert.equal(ring.chunkTokens, 0);
    feeder.dispose();
  });
});

describe('other-files share through the inline provider (fake vscode, fake engine)', () => {
  let vscode: typeof FakeVscode;
  before(() => {
    vscode = useFakeVscode();
  });
  afterEach(() => vscode.recorded.settings.clear());

  it('the setting sets the local share of the window and whether other files come along', async () => {
    const { provider, engine } = await recordingProvider();
    provider.ring.add('other.ts', 'export const other = 1;');
    const text = Array.from({ length: 1200 }, (_, i) => `let v${i} = ${i};`).join('\n');
    const doc = vscode.fakeDocument('/w/main.ts', text);
    const local = (r: FimRequest): number => estimateTokens(r.prefix) + estimateTokens(r.suffix);
    // A new line each time: the same context would be answered from the completion cache.
    const ask = async (share: number, line: number): Promise<FimRequest> => {
      vscode.recorded.settings.set('hearth.completion.otherFilesShare', share);
      engine.seen.length = 0;
      provider.ring.setPromptTokens(otherFilesTokens(1024, share)); // what the feeder does on the config change
      await provider.provideInlineCompletionItems(doc as never, new vscode.Position(line, 0) as never, invoke as never, liveToken as never);
      return engine.seen[0];
    };
    const half = await ask(0.5, 600);
    assert.ok(local(half) <= 512 && local(half) > 400, `local ${local(half)} tokens at share 0.5`);
    assert.equal(half.chunks.length, 1);
    const none = await ask(0, 700);
    assert.ok(local(none) > 900 && local(none) <= 1024, `local ${local(none)} tokens at share 0`);
    assert.equal(none.chunks.length, 0);
    provider.dispose();
  });
});

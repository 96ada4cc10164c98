/**
 * Feeds the chunk ring from VS Code events: the lines edited since the last
 * save when a file is saved (or when the user leaves it with unsaved edits),
 * and the region on screen around the cursor when a file's editor becomes
 * active. Keeps the ring's token budget in step with the settings.
 */
import * as vscode from 'vscode';
import type { ChunkRing, LineRegion } from './chunk-ring';
import { EditedRegions, regionInView } from './edited-regions';
import { effectiveOtherFilesShare, otherFilesTokens } from './other-files-share';
import { documentRelPath } from './completion-document';
import { readConfig } from '../config';

const key = (d: vscode.TextDocument): string => d.uri.toString();

export class RingFeeder implements vscode.Disposable {
  private readonly edits = new EditedRegions();
  private active: vscode.TextDocument | undefined;
  private readonly subs: vscode.Disposable[];

  /** `accepts`: the completion gates (excluded, secret, too large, turned off files never enter the ring). */
  constructor(private readonly ring: ChunkRing, private readonly accepts: (d: vscode.TextDocument) => boolean) {
    this.syncBudget();
    this.subs = [
      vscode.workspace.onDidChangeTextDocument((e) => this.changed(e)),
      vscode.workspace.onDidSaveTextDocument((d) => this.saved(d)),
      vscode.workspace.onDidCloseTextDocument((d) => this.edits.forget(key(d))),
      vscode.window.onDidChangeActiveTextEditor((ed) => this.activated(ed)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('hearth.completion')) this.syncBudget();
      }),
    ];
    this.activated(vscode.window.activeTextEditor);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }

  /** The ring's share of the prompt window, from the settings. */
  syncBudget(): void {
    const cfg = readConfig();
    this.ring.setPromptTokens(otherFilesTokens(cfg.completionContextTokens, effectiveOtherFilesShare(cfg.completionOtherFiles, cfg.completionOtherFilesShare)));
  }

  changed(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0 || e.document.uri.scheme !== 'file') return;
    this.edits.change(
      key(e.document),
      e.contentChanges.map((c) => ({ startLine: c.range.start.line, endLine: c.range.end.line, text: c.text })),
    );
  }

  saved(doc: vscode.TextDocument): void {
    const region = this.edits.take(key(doc));
    if (region) this.feed(doc, region);
  }

  activated(editor: vscode.TextEditor | undefined): void {
    const left = this.active;
    this.active = editor?.document;
    // Leaving a file with unsaved edits: they are what the user will refer to next.
    if (left && left !== this.active && !left.isClosed) {
      const region = this.edits.peek(key(left));
      if (region) this.feed(left, region);
    }
    if (!editor) return;
    const v = editor.visibleRanges[0];
    this.feed(editor.document, regionInView(v && { start: v.start.line, end: v.end.line }, editor.selection.active.line));
  }

  private feed(doc: vscode.TextDocument, region: LineRegion): void {
    if (doc.uri.scheme !== 'file' || this.ring.chunkTokens <= 0 || !this.accepts(doc)) return;
    this.ring.add(documentRelPath(doc.uri), doc.getText(), region);
  }
}

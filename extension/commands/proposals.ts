/**
 * Proposed rewrites of a range: each shown as its own diff, then accepted (one
 * undoable WorkspaceEdit) or rejected. Every proposal has an id, carried in
 * its diff's URIs, so Accept/Reject act on the proposal they name and never
 * on another one pending at the same time. A proposal holds the document
 * version its range was taken at (before generation); if the document has
 * changed since, it is refused rather than applied to a range that may no
 * longer hold the code it was written for.
 */
import * as vscode from 'vscode';

export const PROPOSAL_SCHEME = 'hearth-proposal';

/** Where a rewrite applies: document, version and range captured together, before generation. */
export interface EditTarget {
  uri: vscode.Uri;
  version: number;
  range: vscode.Range;
}

interface Proposal extends EditTarget {
  id: string;
  newText: string;
  original: string;
  proposed: string;
}

export const STALE_MESSAGE = 'The file changed since Hearth read the code, so the edit was not applied. Run the command again on the current code.';

export class ProposalStore implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly pending = new Map<string, Proposal>();
  private nextId = 1;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /** Ids of the proposals waiting for Accept/Reject, oldest first. */
  get ids(): string[] {
    return [...this.pending.keys()];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const { id, side } = parseProposalUri(uri);
    const p = id ? this.pending.get(id) : undefined;
    if (!p) return '';
    return side === 'original' ? p.original : p.proposed;
  }

  dispose(): void {
    this.changed.dispose();
  }

  /**
   * Shows the diff and asks; resolves true when the edit was applied. A
   * document changed since `target` was captured is refused at once.
   */
  async propose(doc: vscode.TextDocument, target: EditTarget, newText: string, title: string): Promise<boolean> {
    if (doc.version !== target.version) {
      void vscode.window.showWarningMessage(STALE_MESSAGE);
      return false;
    }
    const original = doc.getText();
    const proposed = original.slice(0, doc.offsetAt(target.range.start)) + newText + original.slice(doc.offsetAt(target.range.end));
    const id = String(this.nextId++);
    this.pending.set(id, { ...target, id, newText, original, proposed });
    await this.updateContext();
    const name = target.uri.path.split('/').pop() ?? 'file';
    const left = proposalUri(name, id, 'original');
    const right = proposalUri(name, id, 'proposed');
    this.changed.fire(left);
    this.changed.fire(right);
    await vscode.commands.executeCommand('vscode.diff', left, right, `Hearth: ${title} (${name})`, { preview: true });
    const pick = await vscode.window.showInformationMessage(`Hearth proposes an edit to ${name}.`, 'Accept', 'Reject');
    // Already decided through the diff's buttons or a command.
    if (!this.pending.has(id)) return false;
    return pick === 'Accept' ? this.accept(id) : (await this.reject(id), false);
  }

  /**
   * Applies the named proposal. `which`: its id, or the URI of its diff (the
   * editor title buttons pass that), or nothing (the one proposal pending, or
   * the one whose diff is in front).
   */
  async accept(which?: unknown): Promise<boolean> {
    const p = this.resolve(which);
    if (!p) return false;
    await this.close(p.id);
    const doc = await vscode.workspace.openTextDocument(p.uri);
    if (doc.version !== p.version) {
      void vscode.window.showWarningMessage(STALE_MESSAGE);
      return false;
    }
    const edit = new vscode.WorkspaceEdit();
    edit.replace(p.uri, p.range, p.newText);
    const ok = await vscode.workspace.applyEdit(edit);
    await vscode.window.showTextDocument(doc, { preview: false });
    return ok;
  }

  async reject(which?: unknown): Promise<void> {
    const p = this.resolve(which);
    if (p) await this.close(p.id);
  }

  private resolve(which: unknown): Proposal | undefined {
    if (typeof which === 'string') return this.pending.get(which);
    if (which instanceof vscode.Uri || (typeof which === 'object' && which !== null && (which as { scheme?: unknown }).scheme === PROPOSAL_SCHEME)) {
      const { id } = parseProposalUri(which as vscode.Uri);
      return id ? this.pending.get(id) : undefined;
    }
    if (this.pending.size === 1) return [...this.pending.values()][0];
    const front = vscode.window.activeTextEditor?.document.uri;
    const id = front?.scheme === PROPOSAL_SCHEME ? parseProposalUri(front).id : null;
    if (id && this.pending.has(id)) return this.pending.get(id);
    if (this.pending.size > 1) {
      void vscode.window.showInformationMessage('Several Hearth edits are waiting: use Accept or Reject on the diff of the one you mean.');
    }
    return undefined;
  }

  private async close(id: string): Promise<void> {
    this.pending.delete(id);
    await this.updateContext();
    for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) {
      const input = tab.input as { original?: vscode.Uri; modified?: vscode.Uri } | undefined;
      if (input?.modified?.scheme === PROPOSAL_SCHEME && parseProposalUri(input.modified).id === id) await vscode.window.tabGroups.close(tab);
    }
  }

  private async updateContext(): Promise<void> {
    await vscode.commands.executeCommand('setContext', 'hearth.proposalPending', this.pending.size > 0);
  }
}

function proposalUri(name: string, id: string, side: 'original' | 'proposed'): vscode.Uri {
  return vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${name}`, query: `id=${id}&side=${side}` });
}

function parseProposalUri(uri: vscode.Uri): { id: string | null; side: string | null } {
  const q = new URLSearchParams(uri.query);
  return { id: q.get('id'), side: q.get('side') };
}

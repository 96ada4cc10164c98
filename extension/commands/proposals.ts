/**
 * A proposed rewrite of a range: shown as a diff, then accepted (one
 * undoable WorkspaceEdit) or rejected. At most one proposal at a time.
 */
import * as vscode from 'vscode';

export const PROPOSAL_SCHEME = 'hearth-proposal';

interface Proposal {
  target: vscode.Uri;
  version: number;
  range: vscode.Range;
  newText: string;
  original: string;
  proposed: string;
}

export class ProposalStore implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private current: Proposal | null = null;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    if (!this.current) return '';
    return uri.query === 'side=original' ? this.current.original : this.current.proposed;
  }

  dispose(): void {
    this.changed.dispose();
  }

  /** Shows the diff and asks; resolves true when the edit was applied. */
  async propose(doc: vscode.TextDocument, range: vscode.Range, newText: string, title: string): Promise<boolean> {
    const original = doc.getText();
    const proposed = original.slice(0, doc.offsetAt(range.start)) + newText + original.slice(doc.offsetAt(range.end));
    this.current = { target: doc.uri, version: doc.version, range, newText, original, proposed };
    await vscode.commands.executeCommand('setContext', 'hearth.proposalPending', true);
    const name = doc.uri.path.split('/').pop() ?? 'file';
    const left = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${name}`, query: 'side=original' });
    const right = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${name}`, query: 'side=proposed' });
    this.changed.fire(left);
    this.changed.fire(right);
    await vscode.commands.executeCommand('vscode.diff', left, right, `Hearth: ${title} (${name})`, { preview: true });
    const pick = await vscode.window.showInformationMessage(`Hearth proposes an edit to ${name}.`, 'Accept', 'Reject');
    return pick === 'Accept' ? this.accept() : (await this.reject(), false);
  }

  async accept(): Promise<boolean> {
    const p = this.current;
    if (!p) return false;
    await this.close();
    const doc = await vscode.workspace.openTextDocument(p.target);
    if (doc.version !== p.version) {
      void vscode.window.showWarningMessage('The file changed since Hearth proposed the edit, so it was not applied.');
      return false;
    }
    const edit = new vscode.WorkspaceEdit();
    edit.replace(p.target, p.range, p.newText);
    const ok = await vscode.workspace.applyEdit(edit);
    await vscode.window.showTextDocument(doc, { preview: false });
    return ok;
  }

  async reject(): Promise<void> {
    await this.close();
  }

  private async close(): Promise<void> {
    this.current = null;
    await vscode.commands.executeCommand('setContext', 'hearth.proposalPending', false);
    for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) {
      const input = tab.input as { original?: vscode.Uri; modified?: vscode.Uri } | undefined;
      if (input?.modified?.scheme === PROPOSAL_SCHEME) await vscode.window.tabGroups.close(tab);
    }
  }
}

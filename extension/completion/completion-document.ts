/**
 * What the completion pipeline sees of a VS Code document: its path, text
 * and the cursor's offset. A notebook cell is seen with its neighbouring
 * cells (notebook-context.ts), so completions in Jupyter cells know the
 * imports and definitions of the cells above.
 */
import * as vscode from 'vscode';
import type { CompletionDocument } from './completion-engine';
import { notebookContext } from './notebook-context';
import { readConfig } from '../config';

/** URI scheme of a notebook cell's text document. */
export const NOTEBOOK_CELL_SCHEME = 'vscode-notebook-cell';

/** Documents that get inline completions (the provider's gate; one list). */
export const COMPLETION_SCHEMES: ReadonlySet<string> = new Set(['file', 'untitled', 'vscode-remote', NOTEBOOK_CELL_SCHEME]);

/**
 * The inline provider's selector: every file, and notebook cells named
 * explicitly (a cell's URI is not a file path, so do not rely on a path glob).
 */
export const INLINE_SELECTOR: vscode.DocumentFilter[] = [{ pattern: '**' }, { scheme: NOTEBOOK_CELL_SCHEME }];

/** Characters of neighbouring cells per prompt token: about twice what the window holds at ~3.5 characters a token. */
const NOTEBOOK_CHARS_PER_TOKEN = 8;

export function documentRelPath(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}

export function completionDocumentFor(document: vscode.TextDocument, position: vscode.Position): CompletionDocument {
  const offset = document.offsetAt(position);
  if (document.uri.scheme === NOTEBOOK_CELL_SCHEME) {
    const target = document.uri.toString();
    for (const nb of vscode.workspace.notebookDocuments) {
      const cells = nb.getCells();
      const index = cells.findIndex((c) => c.document.uri.toString() === target);
      if (index < 0) continue;
      return notebookContext(
        cells.map((c) => ({ text: c.document.getText(), languageId: c.document.languageId, code: c.kind === vscode.NotebookCellKind.Code })),
        index,
        offset,
        { relPath: documentRelPath(nb.uri), limitChars: readConfig().completionContextTokens * NOTEBOOK_CHARS_PER_TOKEN },
      );
    }
  }
  return { relPath: documentRelPath(document.uri), text: document.getText(), offset };
}

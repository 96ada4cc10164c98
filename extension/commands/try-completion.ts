/**
 * "Hearth: Try a Completion" (the walkthrough's second step): a scratch
 * Python file with the cursor where a model has something obvious to write,
 * and a suggestion asked for at once, so a first user sees ghost text without
 * having to guess where it appears.
 */
import * as vscode from 'vscode';

const SAMPLE = 'def fibonacci(n):\n    """Return the n-th Fibonacci number."""\n    ';

export function registerTryCompletionCommand(): vscode.Disposable {
  return vscode.commands.registerCommand('hearth.tryCompletion', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: SAMPLE });
    const editor = await vscode.window.showTextDocument(doc);
    const end = doc.positionAt(SAMPLE.length);
    editor.selection = new vscode.Selection(end, end);
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
  });
}

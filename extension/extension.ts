/**
 * Entry point. Kept thin: the real wiring is imported lazily so a failure in
 * it becomes a readable warning with "Show Log" / "Retry" instead of a dead
 * extension.
 */
import * as vscode from 'vscode';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  try {
    // require (not import()) so the lazy load also works unbundled under tsx/cjs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { activateHearth } = require('./activation') as typeof import('./activation');
    await activateHearth(context);
  } catch (err) {
    const pick = await vscode.window.showWarningMessage(`Hearth could not start: ${(err as Error).message}`, 'Retry');
    if (pick === 'Retry') await vscode.commands.executeCommand('workbench.action.reloadWindow');
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

/** Opens the "Get started with Hearth" walkthrough on the first start after install. */
import * as vscode from 'vscode';
import { claimFirstRun, WALKTHROUGH_ID } from './first-run';
import type { Log } from '../log';

export async function openWalkthroughOnFirstRun(context: vscode.ExtensionContext, log: Log): Promise<void> {
  // Test hosts without global state get no walkthrough rather than a failed activation.
  if (!context.globalState || !(await claimFirstRun(context.globalState))) return;
  try {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
  } catch (err) {
    log.info(`could not open the walkthrough: ${(err as Error).message}`);
  }
}

/**
 * "Hearth: Set Endpoint API Key": the key for hearth.endpoint.url, kept in VS
 * Code's secret storage (the OS keychain), never in settings. An empty
 * answer removes it.
 */
import * as vscode from 'vscode';
import { ENDPOINT_KEY_SECRET } from '../models/endpoint-slot';

export function registerEndpointKeyCommand(secrets: vscode.SecretStorage): vscode.Disposable {
  return vscode.commands.registerCommand('hearth.setEndpointApiKey', async () => {
    const key = await vscode.window.showInputBox({
      prompt: 'API key for the server at hearth.endpoint.url (sent as a bearer token; empty removes the stored key)',
      password: true,
      ignoreFocusOut: true,
    });
    if (key === undefined) return;
    if (key.trim() === '') {
      await secrets.delete(ENDPOINT_KEY_SECRET);
      void vscode.window.showInformationMessage('Hearth: the endpoint API key is removed.');
    } else {
      await secrets.store(ENDPOINT_KEY_SECRET, key.trim());
      void vscode.window.showInformationMessage('Hearth: the endpoint API key is stored in the secret storage.');
    }
  });
}

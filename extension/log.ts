/** The "Hearth" output channel. */
import * as vscode from 'vscode';

export interface Log {
  info(msg: string): void;
  error(msg: string, err?: unknown): void;
  show(): void;
}

export function createLog(): Log & vscode.Disposable {
  const ch = vscode.window.createOutputChannel('Hearth');
  const line = (level: string, msg: string): void => ch.appendLine(`${new Date().toISOString()} [${level}] ${msg}`);
  return {
    info: (msg) => line('info', msg),
    error: (msg, err) => line('error', err ? `${msg}: ${(err as Error)?.stack ?? String(err)}` : msg),
    show: () => ch.show(true),
    dispose: () => ch.dispose(),
  };
}

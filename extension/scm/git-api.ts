/**
 * The slice of the built-in git extension's API (vscode.git, getAPI(1)) that
 * Hearth uses, typed here because the extension ships no types package. Each
 * way it can be missing comes back as a sentence for the user.
 */
import * as vscode from 'vscode';

export interface GitInputBox {
  value: string;
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly inputBox: GitInputBox;
  /** The diff of the index against HEAD when `cached` is true (what `git diff --cached` prints). */
  diff(cached?: boolean): Promise<string>;
}

interface GitApi {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
}

interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

export type RepositoryLookup = { repository: GitRepository } | { problem: string };

async function gitApi(): Promise<GitApi | string> {
  const ext = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!ext) return 'Hearth needs the built-in Git extension (vscode.git) to read the staged changes, and it is not installed.';
  const exports = ext.isActive ? ext.exports : await ext.activate();
  if (!exports?.enabled) return 'The built-in Git extension is disabled (git.enabled is off, or git was not found).';
  const api = exports.getAPI(1);
  if (api.state !== 'initialized') {
    // Just after start-up the extension may still be scanning for repositories.
    await new Promise<void>((resolve) => {
      const done = api.onDidChangeState((s) => {
        if (s === 'initialized') {
          done.dispose();
          resolve();
        }
      });
      setTimeout(() => {
        done.dispose();
        resolve();
      }, 5000);
    });
  }
  return api;
}

/**
 * The repository to write a message for: the one whose Source Control title
 * button was pressed (VS Code passes its SourceControl, which has rootUri),
 * else the one holding the active editor's file, else the only or first one.
 */
export async function findRepository(from?: unknown): Promise<RepositoryLookup> {
  const api = await gitApi();
  if (typeof api === 'string') return { problem: api };
  const root = (from as { rootUri?: unknown } | undefined)?.rootUri;
  const byArg = root instanceof vscode.Uri ? api.getRepository(root) : null;
  const active = vscode.window.activeTextEditor?.document.uri;
  const byEditor = active ? api.getRepository(active) : null;
  const repository = byArg ?? byEditor ?? api.repositories[0];
  if (!repository) return { problem: 'No git repository is open: open a folder that is a git repository (or run "Git: Initialize Repository").' };
  return { repository };
}

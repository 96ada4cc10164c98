/**
 * "Hearth: Generate Commit Message": the staged diff, fitted to the chat
 * model's context, goes to the chat model (the one Explain and Edit use) and
 * the answer streams into the Source Control input box.
 */
import * as vscode from 'vscode';
import type { ModelManager } from '../models/model-manager';
import type { Log } from '../log';
import { findRepository } from './git-api';
import { budgetDiff, budgetNote, buildCommitMessages, cleanCommitMessage, diffBudgetTokens, COMMIT_REPLY_TOKENS } from './commit-prompt';
import { estimateTokens } from '../completion/fim-prompt';
import { isAbort } from '../engine/errors';
import { readConfig } from '../config';

export const GENERATE_COMMIT_MESSAGE = 'hearth.generateCommitMessage';

export function registerCommitMessageCommand(models: ModelManager, log: Log): vscode.Disposable {
  return vscode.commands.registerCommand(GENERATE_COMMIT_MESSAGE, (sourceControl?: unknown) => generateCommitMessage(models, log, sourceControl));
}

/** Resolves to the message written to the input box, or undefined when there was none (told to the user). */
async function generateCommitMessage(models: ModelManager, log: Log, sourceControl?: unknown): Promise<string | undefined> {
  const found = await findRepository(sourceControl);
  if ('problem' in found) {
    void vscode.window.showWarningMessage(found.problem);
    return undefined;
  }
  const repo = found.repository;
  const diff = await repo.diff(true);
  if (!diff.trim()) {
    void vscode.window.showInformationMessage('Nothing is staged: stage the changes to describe (Git: Stage Changes), then ask again.');
    return undefined;
  }
  const got = await models.engineFor('chat', { interactive: true });
  if (!got) return undefined;
  const contextTokens = Math.min(readConfig().chatContextTokens, got.info.contextLength || Number.MAX_SAFE_INTEGER);
  const budgeted = budgetDiff(diff, diffBudgetTokens(contextTokens, estimateTokens), estimateTokens);
  const note = budgetNote(budgeted);
  if (note) log.info(`commit message: ${note}`);
  const before = repo.inputBox.value;
  let reply = '';
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.SourceControl, title: 'Hearth: writing a commit message', cancellable: true },
      async (_progress, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        for await (const piece of got.engine.chat(buildCommitMessages(budgeted), { maxTokens: COMMIT_REPLY_TOKENS }, ac.signal)) {
          reply += piece;
          repo.inputBox.value = cleanCommitMessage(reply);
        }
      },
    );
  } catch (err) {
    if (!isAbort(err)) {
      log.error('commit message failed', err);
      void vscode.window.showErrorMessage(`Hearth could not write a commit message: ${(err as Error).message}`);
    }
  }
  const message = cleanCommitMessage(reply);
  if (!message) {
    repo.inputBox.value = before;
    void vscode.window.showInformationMessage('Hearth had no commit message to suggest.');
    return undefined;
  }
  repo.inputBox.value = message;
  if (note) void vscode.window.showInformationMessage(note);
  return message;
}

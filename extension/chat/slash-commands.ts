/**
 * Slash commands typed in the chat input: `/explain`, `/fix`, `/tests`,
 * `/doc`, `/edit <instruction>`. Each runs the editor command of the same
 * name on the code in the editor (the selection, else the symbol around the
 * cursor), so chat and the command palette do exactly the same thing. This
 * is the one list; the chat's completion popup and its help text read it.
 * No vscode imports.
 */
import type { InputSuggestion } from '../protocol/webview-protocol';

export interface SlashCommand {
  /** Typed after the slash. */
  name: string;
  /** The VS Code command it runs. */
  command: string;
  /** One line for the completion popup. */
  description: string;
  /** What the text after the name means; undefined: the command takes none. */
  argument?: { hint: string; required: boolean };
}

export const SLASH_COMMANDS: readonly SlashCommand[] = [
  { name: 'explain', command: 'hearth.explainSelection', description: 'Explain the selected code (or the function at the cursor)', argument: { hint: 'what to ask about it', required: false } },
  { name: 'fix', command: 'hearth.fixDiagnostic', description: 'Fix the problem at the cursor, shown as a diff', argument: { hint: 'what is wrong, if no problem is reported', required: false } },
  { name: 'tests', command: 'hearth.generateTests', description: 'Write unit tests for the selected code' },
  { name: 'doc', command: 'hearth.addDocstring', description: 'Add a documentation comment, shown as a diff' },
  { name: 'edit', command: 'hearth.editSelection', description: 'Change the selected code as you say, shown as a diff', argument: { hint: 'how to change it', required: true } },
];

export type SlashParse =
  | { kind: 'none' }
  | { kind: 'command'; slash: SlashCommand; argument: string }
  | { kind: 'error'; message: string };

/**
 * Reads a chat input. Only a slash at the very start, followed by a name,
 * is a command: "/etc/hosts is missing" is a question, because `etc/hosts`
 * is not a name, and "a/b" never is.
 */
export function parseSlash(text: string): SlashParse {
  const m = /^\/([a-z][a-z-]*)(?=\s|$)\s*([\s\S]*)$/i.exec(text.trim());
  if (!m) return { kind: 'none' };
  const name = m[1].toLowerCase();
  const argument = m[2].trim();
  const slash = SLASH_COMMANDS.find((c) => c.name === name);
  if (!slash) return { kind: 'error', message: `/${name} is not a Hearth command. The commands are ${SLASH_COMMANDS.map((c) => `/${c.name}`).join(', ')}.` };
  if (!slash.argument && argument) return { kind: 'error', message: `/${name} takes nothing after it: it works on the selected code (or the function at the cursor).` };
  if (slash.argument?.required && !argument) return { kind: 'error', message: `/${name} needs ${slash.argument.hint}, e.g. "/${name} use early returns".` };
  return { kind: 'command', slash, argument };
}


/** Slash commands matching what is typed, when the input so far is "/" plus part of a name. */
export function slashSuggestions(beforeCursor: string): InputSuggestion[] {
  const m = /^\/([a-z-]*)$/i.exec(beforeCursor);
  if (!m) return [];
  const typed = m[1].toLowerCase();
  return SLASH_COMMANDS.filter((c) => c.name.startsWith(typed)).map((c) => ({
    label: `/${c.name}`,
    detail: c.argument ? `${c.description} (then ${c.argument.hint})` : c.description,
    insert: `/${c.name} `,
    from: 0,
  }));
}

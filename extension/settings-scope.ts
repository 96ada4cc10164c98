/**
 * Where a setting change must be written to take effect: the most specific
 * scope that defines the setting now. Writing the user value while the
 * workspace (or a folder) defines its own changes nothing the user sees.
 * Pure: it reads what WorkspaceConfiguration.inspect() returns.
 */
export type WriteScope = 'global' | 'workspace' | 'workspaceFolder';

/** The part of WorkspaceConfiguration.inspect()'s answer that says where a value is defined. */
export interface DefinedValues<T> {
  defaultValue?: T;
  globalValue?: T;
  workspaceValue?: T;
  workspaceFolderValue?: T;
}

/**
 * The scope to write. `multiRootWorkspace`: a .code-workspace is open, where
 * a folder's .vscode/settings.json is its own scope; in a single-folder
 * window the folder's settings are the workspace settings.
 */
export function definingScope(v: DefinedValues<unknown> | undefined, multiRootWorkspace: boolean): WriteScope {
  if (v?.workspaceFolderValue !== undefined) return multiRootWorkspace ? 'workspaceFolder' : 'workspace';
  if (v?.workspaceValue !== undefined) return 'workspace';
  return 'global';
}

/** The value in effect: the most specific one defined, else the default, else `fallback`. */
export function effectiveValue<T>(v: DefinedValues<T> | undefined, fallback: T): T {
  return v?.workspaceFolderValue ?? v?.workspaceValue ?? v?.globalValue ?? v?.defaultValue ?? fallback;
}

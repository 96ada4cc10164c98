/**
 * Whether this start is Hearth's first on this machine, decided once from a
 * flag in global state: the walkthrough opens on first install and never
 * again, not even after an update or when the user closed it at once.
 * No vscode imports.
 */
export const FIRST_RUN_KEY = 'hearth.walkthroughShown';

/** The extension's walkthrough, as workbench.action.openWalkthrough names it: publisher.name#id. */
export const WALKTHROUGH_ID = 'hearth.hearth#gettingStarted';

export interface FlagStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** True the first time only: the flag is written before the caller opens anything, so a crash while opening does not repeat it. */
export async function claimFirstRun(store: FlagStore): Promise<boolean> {
  if (store.get<boolean>(FIRST_RUN_KEY)) return false;
  await store.update(FIRST_RUN_KEY, true);
  return true;
}

/**
 * A Memento-like store in memory (workspaceState for the chat's tests): values
 * go through JSON as VS Code's do, and undefined removes the key.
 */
export class MemoryStore {
  data = new Map<string, unknown>();
  get<T>(k: string): T | undefined {
    return this.data.get(k) as T | undefined;
  }
  async update(k: string, v: unknown): Promise<void> {
    if (v === undefined) this.data.delete(k);
    else this.data.set(k, JSON.parse(JSON.stringify(v)));
  }
}

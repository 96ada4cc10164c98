/**
 * A HearthInlineProvider over the fake vscode module and a fake engine that
 * records the FIM requests it gets: for tests of what the provider hands the
 * pipeline (notebook cells, the other-files share). Call useFakeVscode first.
 */
import { FakeEngine } from '../../../extension/host/fake-engine';
import type { FimRequest } from '../../../extension/host/engine-port';

export class RecordingEngine extends FakeEngine {
  readonly seen: FimRequest[] = [];
  override complete(request: FimRequest, signal: AbortSignal): AsyncIterable<string> {
    this.seen.push(request);
    return super.complete(request, signal);
  }
}

export async function recordingProvider(): Promise<{ provider: import('../../../extension/completion/provider').HearthInlineProvider; engine: RecordingEngine }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { HearthInlineProvider } = require('../../../extension/completion/provider') as typeof import('../../../extension/completion/provider');
  const engine = new RecordingEngine();
  const info = await engine.load(__filename, {});
  const models = { engineFor: async () => ({ engine, info }) };
  const log = { info: () => {}, error: () => {}, warn: () => {} };
  return { provider: new HearthInlineProvider(models as never, log as never), engine };
}

/** An explicit (Alt+\) request: no debounce, never cancelled. */
export const invoke = { triggerKind: 0 };
export const liveToken = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };

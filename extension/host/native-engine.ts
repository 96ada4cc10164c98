/**
 * The wiring point for the real runtime (extension/engine/engine.ts, branch
 * `runtime`). Until it is merged, loading a model fails with a clear message.
 * When it lands: implement EnginePort here over the engine facade (load ->
 * ModelInfo with fim from the vocab, complete -> render the FIM prompt with
 * completion/fim-format.ts and generate greedily, chat -> chat template).
 */
import type { EnginePort, EngineStatus, ModelInfo } from './engine-port';
import { HostError } from './host-errors';

export const NATIVE_ENGINE_NAME = 'native';

export class NativeEngine implements EnginePort {
  async load(): Promise<ModelInfo> {
    throw new HostError(
      'E_ENGINE_RUNTIME_MISSING',
      'This build of Hearth has no inference runtime yet, so it cannot load models.',
    );
  }
  complete(): AsyncIterable<string> {
    throw new HostError('E_NO_MODEL', 'no model is loaded');
  }
  chat(): AsyncIterable<string> {
    throw new HostError('E_NO_MODEL', 'no model is loaded');
  }
  async countTokens(text: string): Promise<number> {
    return Math.ceil(text.length / 4);
  }
  async status(): Promise<EngineStatus> {
    return { state: 'idle', engine: NATIVE_ENGINE_NAME, model: null, tokensPerSecond: null, pid: process.pid, restarts: 0, lastError: null };
  }
  async dispose(): Promise<void> {}
}

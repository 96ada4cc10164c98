/**
 * Entry of the engine process (dist/engine-host.js). Serves the engine
 * protocol over the IPC channel of its parent. HEARTH_ENGINE=fake selects the
 * deterministic test engine; HEARTH_FAKE_DELAY_MS slows its stream.
 */
import { EngineService } from './engine-service';
import { FakeEngine, FAKE_ENGINE_NAME } from '../fake-engine';
import { NativeEngine, NATIVE_ENGINE_NAME } from './native-engine';
import type { EngineToHost } from '../engine-protocol';
import { checkFrame } from './engine-inbox';
import type { EnginePort } from '../engine-port';

function pickEngine(): { engine: EnginePort; name: string } {
  if (process.env.HEARTH_ENGINE === FAKE_ENGINE_NAME) {
    return { engine: new FakeEngine(Number(process.env.HEARTH_FAKE_DELAY_MS ?? 0)), name: FAKE_ENGINE_NAME };
  }
  return { engine: new NativeEngine(), name: NATIVE_ENGINE_NAME };
}

function main(): void {
  if (!process.send) {
    process.stderr.write('hearth engine host: must be started with an IPC channel\n');
    process.exit(2);
  }
  const send = (m: EngineToHost): void => {
    if (process.connected) process.send?.(m);
  };
  const { engine, name } = pickEngine();
  const service = new EngineService(engine, send);
  process.on('message', (m: unknown) => {
    // Every frame is checked in full; a bad one is answered with E_INVALID_ARGUMENT.
    const checked = checkFrame(m);
    if (checked.ok) service.handle(checked.msg);
    else send(checked.reply);
  });
  // The parent went away: nothing left to serve.
  process.on('disconnect', () => {
    service.abortAll();
    void engine.dispose().finally(() => process.exit(0));
  });
  send({ kind: 'hello', pid: process.pid, engine: name });
}

main();

/**
 * The engine protocol without a process boundary: an EngineClient wired
 * straight to an EngineService. For tests and the CLI; replies are delivered
 * on a later tick, as they would be over IPC.
 */
import type { EnginePort } from './engine-port';
import { EngineClient } from './parent/engine-client';
import { EngineService } from './child/engine-service';

export function inProcessEngine(engine: EnginePort): EngineClient {
  // The client exists before the service that replies into it.
  const holder: { client?: EngineClient } = {};
  const service = new EngineService(engine, (reply) => setImmediate(() => holder.client?.receive(reply)));
  const client = new EngineClient({ send: (msg) => setImmediate(() => service.handle(msg)) });
  holder.client = client;
  const dispose = client.dispose.bind(client);
  client.dispose = async () => {
    service.abortAll();
    await dispose();
    await engine.dispose();
  };
  return client;
}

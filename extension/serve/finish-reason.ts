/** The engine's stop reasons in the words OpenAI and llama-server clients expect. */
import type { StopReason } from '../engine/engine';

/** OpenAI `finish_reason`: "length" when a token or time limit ended it, else "stop". */
export function finishReason(reason: StopReason | undefined): 'stop' | 'length' {
  return reason === 'length' || reason === 'time-budget' ? 'length' : 'stop';
}

/** llama-server `stop_type`: "limit", "word" (a stop string) or "eos". */
export function llamaStopType(reason: StopReason | undefined): 'limit' | 'word' | 'eos' {
  if (reason === 'length' || reason === 'time-budget') return 'limit';
  return reason === 'stop' ? 'word' : 'eos';
}

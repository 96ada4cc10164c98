import * as readline from 'readline';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { reportEngineError } from '../errors';
import { loadModel, type Model } from '../../engine/engine';
import type { TemplateMessage } from '../../engine/chat-template';
import { renderChatBounded } from '../../engine/template-sandbox';
import { floatOption, intOption, parseArgs } from './model-args';

/** The conversation so far as prompt text, via the model's chat template. */
export async function renderConversation(model: Model, turns: readonly TemplateMessage[]): Promise<{ text: string; stop: string[] }> {
  const i = model.info;
  // The template comes from the model file: bounded, off this thread.
  const rendered = await renderChatBounded(turns, {
    template: i.chatTemplate,
    bosToken: i.bos !== null ? model.tokenText(i.bos) : '',
    eosToken: i.eos !== null ? model.tokenText(i.eos) : '',
    // generate() adds BOS itself when the model asks for it.
    stripLeadingBos: i.addBos,
  });
  // Fallback formats on a vocab without their end marker: stop on its text.
  const stop = rendered.via === 'chatml' ? ['<|im_end|>'] : rendered.via === 'llama3' ? ['<|eot_id|>'] : [];
  return { text: rendered.text, stop };
}

export const chatCommand: CliCommand = {
  name: 'chat',
  summary: 'interactive chat in the terminal, streamed (also reads lines from a pipe); /exit or EOF ends it',
  usage: 'hearth chat <model.gguf> [--system S] [--n 512] [--temp 0.7] [--seed 1] [--threads N] [--ctx N]',
  async run(argv, io) {
    const args = parseArgs(argv, ['system', 'n', 'temp', 'seed', 'threads', 'ctx'], []);
    if (args.positionals.length !== 1) throw new UsageError('expected exactly one model path');
    const n = intOption(args, 'n', 512);
    const temperature = floatOption(args, 'temp', 0.7);
    const seed = intOption(args, 'seed', 1);
    let model: Model;
    try {
      model = await loadModel(args.positionals[0], { threads: intOption(args, 'threads', 0, io.err), contextLength: intOption(args, 'ctx', 0) });
    } catch (err) {
      return reportEngineError(err, io, false);
    }
    const tty = Boolean(process.stdin.isTTY);
    const rl = readline.createInterface({ input: process.stdin, terminal: tty });
    const turns: TemplateMessage[] = [];
    const system = args.options.get('system');
    if (system) turns.push({ role: 'system', content: system });
    const session = model.createSession();
    let current: AbortController | undefined;
    // Ctrl-C during an answer stops the answer; at the prompt it exits.
    rl.on('SIGINT', () => {
      if (current) current.abort();
      else rl.close();
    });
    try {
      if (tty) io.out('> ');
      for await (const line of rl) {
        const input = line.trim();
        if (input === '/exit') break;
        if (input === '') {
          if (tty) io.out('> ');
          continue;
        }
        turns.push({ role: 'user', content: input });
        const { text, stop } = await renderConversation(model, turns);
        current = new AbortController();
        const gen = session.generate(text, { maxTokens: n, temperature, seed, stop, parseSpecial: true, signal: current.signal });
        for await (const piece of gen) io.out(piece.text);
        const r = await gen.result;
        current = undefined;
        turns.push({ role: 'assistant', content: r.text.trim() });
        io.out(tty ? '\n> ' : '\n');
      }
      return 0;
    } catch (err) {
      return reportEngineError(err, io, false);
    } finally {
      rl.close();
      model.dispose();
    }
  },
};

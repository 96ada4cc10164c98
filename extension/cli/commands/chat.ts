import * as readline from 'readline';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { reportEngineError } from '../errors';
import { loadModel, type Model } from '../../engine/engine';
import { floatOption, intOption, parseArgs } from './model-args';

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * The conversation as prompt text plus the strings that end an assistant
 * turn. Picks the layout from the GGUF chat template's markers.
 * TODO(tokenizer branch): render tokenizer.chat_template with its
 * chat-template.ts once it lands; these three layouts are the stopgap.
 */
export function renderChat(model: Model, turns: readonly ChatTurn[]): { text: string; stop: string[]; parseSpecial: boolean } {
  const tmpl = model.info.chatTemplate ?? '';
  if (tmpl.includes('<|im_start|>')) {
    const text = turns.map((t) => `<|im_start|>${t.role}\n${t.content}<|im_end|>\n`).join('') + '<|im_start|>assistant\n';
    return { text, stop: ['<|im_end|>'], parseSpecial: true };
  }
  if (tmpl.includes('[INST]')) {
    let text = '';
    const system = turns.find((t) => t.role === 'system');
    let first = true;
    for (const t of turns) {
      if (t.role === 'user') {
        const sys = first && system ? `<<SYS>>\n${system.content}\n<</SYS>>\n\n` : '';
        text += `[INST] ${sys}${t.content} [/INST]`;
        first = false;
      } else if (t.role === 'assistant') {
        text += ` ${t.content} `;
      }
    }
    return { text, stop: ['[INST]'], parseSpecial: true };
  }
  const text = turns.map((t) => `${t.role === 'user' ? 'User' : t.role === 'assistant' ? 'Assistant' : 'System'}: ${t.content}\n`).join('') + 'Assistant:';
  return { text, stop: ['\nUser:'], parseSpecial: false };
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
      model = await loadModel(args.positionals[0], { threads: intOption(args, 'threads', 0), contextLength: intOption(args, 'ctx', 0) });
    } catch (err) {
      return reportEngineError(err, io, false);
    }
    const tty = Boolean(process.stdin.isTTY);
    const rl = readline.createInterface({ input: process.stdin, terminal: tty });
    const turns: ChatTurn[] = [];
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
        const { text, stop, parseSpecial } = renderChat(model, turns);
        current = new AbortController();
        const gen = session.generate(text, { maxTokens: n, temperature, seed, stop, parseSpecial, signal: current.signal });
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

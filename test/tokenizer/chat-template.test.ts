/**
 * Chat templates of the major code-model families, rendered by us, compared
 * with the prompt llama.cpp builds for the same messages.
 *
 * The oracle: node-llama-cpp does not expose llama.cpp's template
 * application, so scripts/gen-chat-fixtures.ts calls llama.cpp's C API
 * llama_chat_apply_template() in the libllama node-llama-cpp ships, and
 * stores its output in fixtures/chat-templates.json with the templates.
 * That API uses llama.cpp's built-in format for the family it detects, which
 * leaves out two things the Jinja templates themselves do: the default
 * system prompts of Qwen2.5 and DeepSeek-Coder. Those two cases are checked
 * as "llama.cpp's string with the template's default system prompt in front".
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  chatOptionsFor,
  fallbackForVocab,
  renderChat,
  renderChatml,
  renderLlama3,
  type TemplateMessage,
} from '../../extension/engine/chat-template';

interface Fixture {
  llamaCpp: string;
  templates: Record<string, { source: string; bos: string; eos: string; template: string }>;
  cases: { family: string; conversation: string; messages: TemplateMessage[]; addGenerationPrompt: boolean; llamaCpp: string | null }[];
}

const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'chat-templates.json'), 'utf8'),
) as Fixture;

/** What the templates add that llama.cpp's built-in formats do not (see above). */
const DEFAULT_SYSTEM_PREFIX: Record<string, string> = {
  'qwen2.5/noSystem': '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n',
  'deepseek-coder/noSystem':
    'You are an AI programming assistant, utilizing the Deepseek Coder model, developed by Deepseek Company, and you only answer questions related to computer science. For politically sensitive questions, security and privacy issues, and other non-computer science questions, you will refuse to answer\n',
};

describe('chat templates vs llama.cpp', () => {
  it('has fixtures for the five families', () => {
    assert.deepEqual(Object.keys(fixture.templates).sort(), ['deepseek-coder', 'gemma', 'llama3', 'mistral', 'qwen2.5']);
    assert.equal(fixture.cases.length, 10);
  });

  for (const c of fixture.cases) {
    it(`${c.family} / ${c.conversation}`, () => {
      const t = fixture.templates[c.family];
      assert.ok(c.llamaCpp !== null, 'llama.cpp renders every family here');
      // llama.cpp's built-in formats leave BOS to the tokenizer; so do we here.
      const out = renderChat(c.messages, { template: t.template, bosToken: '', eosToken: t.eos, addGenerationPrompt: true });
      const prefix = DEFAULT_SYSTEM_PREFIX[`${c.family}/${c.conversation}`] ?? '';
      assert.equal(out.text, prefix + c.llamaCpp);
      // Gemma's template refuses a system role; it is folded into the first user turn as llama.cpp does.
      assert.equal(out.via, c.family === 'gemma' && c.conversation === 'withSystem' ? 'template-merged-system' : 'template');
    });
  }

  it('renders bos_token and can strip it when the tokenizer adds BOS', () => {
    const t = fixture.templates.llama3;
    const msgs: TemplateMessage[] = [{ role: 'user', content: 'hi' }];
    const withBos = renderChat(msgs, { template: t.template, bosToken: t.bos });
    assert.ok(withBos.text.startsWith('<|begin_of_text|><|start_header_id|>user'));
    const stripped = renderChat(msgs, { template: t.template, bosToken: t.bos, stripLeadingBos: true });
    assert.equal(stripped.text, withBos.text.slice(t.bos.length));
  });

  it('add_generation_prompt false ends after the last message', () => {
    const t = fixture.templates['qwen2.5'];
    const msgs: TemplateMessage[] = [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }];
    const out = renderChat(msgs, { template: t.template, addGenerationPrompt: false });
    assert.equal(out.text, '<|im_start|>system\ns<|im_end|>\n<|im_start|>user\nu<|im_end|>\n');
  });
});

describe('chat template fallbacks', () => {
  const byKey = (family: string, conversation: string): string =>
    fixture.cases.find((c) => c.family === family && c.conversation === conversation)!.llamaCpp!;

  it('ChatML equals llama.cpp chatml output', () => {
    for (const conv of ['withSystem', 'noSystem']) {
      const c = fixture.cases.find((x) => x.family === 'qwen2.5' && x.conversation === conv)!;
      assert.equal(renderChatml(c.messages), byKey('qwen2.5', conv));
    }
  });

  it('Llama 3 equals llama.cpp llama3 output', () => {
    for (const conv of ['withSystem', 'noSystem']) {
      const c = fixture.cases.find((x) => x.family === 'llama3' && x.conversation === conv)!;
      assert.equal(renderLlama3(c.messages), byKey('llama3', conv));
    }
  });

  it('a missing template uses the fallback and says why', () => {
    const msgs: TemplateMessage[] = [{ role: 'user', content: 'x' }];
    const none = renderChat(msgs, {});
    assert.equal(none.via, 'chatml');
    assert.equal(none.templateError, 'no chat template');
    assert.equal(none.text, '<|im_start|>user\nx<|im_end|>\n<|im_start|>assistant\n');
    const l3 = renderChat(msgs, { template: '   ', fallback: 'llama3' });
    assert.equal(l3.via, 'llama3');
    assert.equal(l3.text, '<|start_header_id|>user<|end_header_id|>\n\nx<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n');
  });

  it('a broken template (syntax or raise_exception) falls back', () => {
    const msgs: TemplateMessage[] = [{ role: 'user', content: 'x' }];
    const syntax = renderChat(msgs, { template: '{% for m in messages %}{{ m.content }' });
    assert.equal(syntax.via, 'chatml');
    assert.ok(syntax.templateError && syntax.templateError.length > 0);
    const raising = renderChat(msgs, { template: "{{ raise_exception('nope') }}", fallback: 'llama3' });
    assert.equal(raising.via, 'llama3');
    assert.match(raising.templateError ?? '', /nope/);
  });

  it('picks the fallback from the vocab', () => {
    const llama3Vocab = new Set(['<|start_header_id|>', '<|eot_id|>']);
    assert.equal(fallbackForVocab((t) => llama3Vocab.has(t)), 'llama3');
    assert.equal(fallbackForVocab(() => false), 'chatml');
  });

  it('rejects malformed messages', () => {
    assert.throws(() => renderChat([{ role: 'user' } as unknown as TemplateMessage]), /messages\[0\]/);
  });
});

describe('chatOptionsFor', () => {
  // A fake vocab: ids 0..3 are <|begin_of_text|>, <|eot_id|>, <|start_header_id|>, <|end_header_id|>.
  const texts = ['<|begin_of_text|>', '<|eot_id|>', '<|start_header_id|>', '<|end_header_id|>'];
  const fake = {
    nVocab: 100,
    specialIds: {
      bos: 0, eos: 1, eot: 1, eom: -1, unk: -1, pad: -1, sep: -1, nl: -1,
      fimPre: -1, fimSuf: -1, fimMid: -1, fimPad: -1, fimRep: -1, fimSep: -1, addBos: true, addEos: false,
    },
    tokenText: (id: number): string => texts[id] ?? `t${id}`,
    tokenize: (t: string, o?: { parseSpecial?: boolean }): Int32Array =>
      Int32Array.from(o?.parseSpecial && texts.includes(t) ? [texts.indexOf(t)] : Array.from(t, (c) => 10 + c.charCodeAt(0) % 90)),
  };

  it('takes BOS/EOT texts and the Llama 3 fallback from the vocab, and strips BOS', () => {
    const o = chatOptionsFor(fake, fixture.templates.llama3.template);
    assert.equal(o.bosToken, '<|begin_of_text|>');
    assert.equal(o.eosToken, '<|eot_id|>');
    assert.equal(o.fallback, 'llama3');
    assert.equal(o.stripLeadingBos, true);
    const r = renderChat([{ role: 'user', content: 'hi' }], o);
    assert.equal(r.text, '<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n');
    assert.equal(renderChat([{ role: 'user', content: 'hi' }], chatOptionsFor(fake, null)).via, 'llama3');
  });
});

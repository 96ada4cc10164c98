/**
 * Thinking models' reasoning (<think>...</think>): never ghost text, and not
 * sent back to the model with earlier chat answers.
 */
import { strict as assert } from 'assert';
import { stripReasoning } from '../../extension/engine/reasoning';
import { postprocessCompletion } from '../../extension/completion/postprocess';
import { chatTokens, type ChatTokenizer } from '../../extension/host/child/chat-prompt';

const charTokenizer: ChatTokenizer = {
  tokenize: (text) => Array.from(text, (c) => c.codePointAt(0) as number),
  tokenText: (id) => String.fromCodePoint(id),
  bos: null,
  eos: null,
  addBos: false,
  chatTemplate: '{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}',
};
const text = (ids: number[]): string => String.fromCodePoint(...ids);

describe('reasoning blocks of thinking models', () => {
  it('strips closed blocks, a block the prompt opened, and an unfinished block', () => {
    assert.equal(stripReasoning('<think>\nthe user wants a sum\n</think>\n\nreturn a + b'), 'return a + b');
    assert.equal(stripReasoning('weigh it\n</think>\n\nThe answer is 4.'), 'The answer is 4.');
    assert.equal(stripReasoning('<think>\n\n</think>\n\nHi!'), 'Hi!');
    assert.equal(stripReasoning('A<think>one</think>B<think>two</think>C'), 'ABC');
    assert.equal(stripReasoning('<think>still going when the reply was cut'), '');
    assert.equal(stripReasoning('Done. <think>afterthought'), 'Done. ');
  });

  it('leaves text without reasoning as it was, leading whitespace included', () => {
    for (const s of ['  indented code', 'if (a < think) {}', '', '\n\nx']) assert.equal(stripReasoning(s), s);
  });

  it('a completion that is only reasoning shows nothing; one with code after it shows the code', () => {
    const ctx = { linePrefix: '  ', lineSuffix: '', nextLines: [] };
    assert.equal(postprocessCompletion('<think>hmm, what goes here?</think>', ctx), null);
    assert.deepEqual(postprocessCompletion('<think>a sum</think>return a + b;', ctx), { text: 'return a + b;', replaceChars: 0 });
  });

  it('earlier assistant turns reach the template without their reasoning; user text is kept as typed', async () => {
    const r = await chatTokens(charTokenizer, [
      { role: 'user', content: 'what is <think>2+2</think>?' },
      { role: 'assistant', content: '<think>\nadd them\n</think>\n\n4' },
      { role: 'user', content: 'and 3+3?' },
    ]);
    assert.equal(text(r.tokens), '<user>what is <think>2+2</think>?<assistant>4<user>and 3+3?');
  });
});

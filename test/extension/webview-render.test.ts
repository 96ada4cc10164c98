import { strict as assert } from 'assert';
import { JSDOM } from 'jsdom';
import { createRenderer } from '../../webview/render';
import { isFromWebview } from '../../extension/protocol/webview-protocol';

describe('chat webview rendering (jsdom)', () => {
  const dom = new JSDOM('<!DOCTYPE html><body></body>', { runScripts: 'outside-only' });
  const win = dom.window as unknown as Window;
  const render = createRenderer(win);

  /** Puts the HTML into the document and reports whether any script ran. */
  function mount(html: string): Element {
    (dom.window as unknown as { pwned?: boolean }).pwned = false;
    const box = dom.window.document.createElement('div');
    box.innerHTML = html;
    dom.window.document.body.append(box);
    return box;
  }

  it('renders markdown and highlights fenced code', () => {
    const box = mount(render.markdown('Use **this**:\n\n```ts\nconst x: number = 1;\n```\n'));
    assert.equal(box.querySelector('strong')?.textContent, 'this');
    const code = box.querySelector('pre code');
    assert.ok(code, 'code block');
    assert.equal(code.textContent, 'const x: number = 1;\n');
    assert.ok(box.querySelector('.hljs-keyword'), 'highlighted');
  });

  it('never turns model text into active HTML', () => {
    const evil = 'hi <img src=x onerror="window.pwned=true"> <script>window.pwned=true</script> [x](javascript:window.pwned=true)';
    const html = render.markdown(evil);
    const box = mount(html);
    assert.equal(box.querySelector('img, script'), null);
    assert.equal(box.querySelector('a[href^="javascript"]'), null);
    assert.match(box.textContent ?? '', /<img src=x/); // shown as text
  });

  it('strips dangerous HTML in the sanitizer itself (defence in depth)', () => {
    const box = mount(
      render.sanitize('<p onclick="x()">ok</p><img src=x onerror="window.pwned=true"><svg onload="x()"></svg><iframe src="https://example.com"></iframe><a href="javascript:alert(1)">l</a><style>*{}</style>'),
    );
    assert.equal(box.querySelector('img, svg, iframe, style, script'), null);
    assert.equal(box.querySelector('[onclick]'), null);
    assert.equal(box.querySelector('a')?.getAttribute('href') ?? null, null);
    assert.equal(box.querySelector('p')?.textContent, 'ok');
    assert.equal((dom.window as unknown as { pwned?: boolean }).pwned, false);
  });

  it('accepts only well-formed messages from the webview', () => {
    assert.ok(isFromWebview({ type: 'send', text: 'hi' }));
    assert.ok(isFromWebview({ type: 'ready' }));
    assert.ok(!isFromWebview({ type: 'send' }));
    assert.ok(!isFromWebview({ type: 'apply', code: 42 }));
    assert.ok(!isFromWebview({ type: 'runShell', cmd: 'rm' }));
    assert.ok(!isFromWebview(null));
  });
});

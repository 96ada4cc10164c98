/**
 * Model output -> safe DOM. Markdown (markdown-it, raw HTML off) with
 * highlight.js for code, then DOMPurify on the result: a model that emits
 * <img onerror=...> or <script> must never run code here. The Window is a
 * parameter so tests can run this under jsdom.
 */
import MarkdownIt from 'markdown-it';
import hljs from 'highlight.js/lib/core';
import javascript from 'highlight.js/lib/languages/javascript';
import typescript from 'highlight.js/lib/languages/typescript';
import python from 'highlight.js/lib/languages/python';
import cpp from 'highlight.js/lib/languages/cpp';
import c from 'highlight.js/lib/languages/c';
import rust from 'highlight.js/lib/languages/rust';
import go from 'highlight.js/lib/languages/go';
import json from 'highlight.js/lib/languages/json';
import bash from 'highlight.js/lib/languages/bash';
import java from 'highlight.js/lib/languages/java';
import xml from 'highlight.js/lib/languages/xml';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import yaml from 'highlight.js/lib/languages/yaml';
import createDOMPurify from 'dompurify';

const LANGS = { javascript, typescript, python, cpp, c, rust, go, json, bash, java, xml, css, diff, yaml };
for (const [name, lang] of Object.entries(LANGS)) hljs.registerLanguage(name, lang);
hljs.registerAliases(['js', 'jsx', 'mjs'], { languageName: 'javascript' });
hljs.registerAliases(['ts', 'tsx'], { languageName: 'typescript' });
hljs.registerAliases(['py'], { languageName: 'python' });
hljs.registerAliases(['sh', 'shell', 'zsh'], { languageName: 'bash' });
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' });
hljs.registerAliases(['rs'], { languageName: 'rust' });
hljs.registerAliases(['c++', 'h', 'hpp', 'cc'], { languageName: 'cpp' });

export interface Renderer {
  /** Markdown -> sanitized HTML string. */
  markdown(text: string): string;
  /** Any HTML -> sanitized HTML string (the last line of defence). */
  sanitize(html: string): string;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function createRenderer(win: Window): Renderer {
  const purify = createDOMPurify(win as unknown as Parameters<typeof createDOMPurify>[0]);
  const md = new MarkdownIt({
    html: false,
    linkify: false,
    breaks: false,
    highlight(code: string, lang: string): string {
      const l = lang && hljs.getLanguage(lang) ? lang : '';
      const body = l ? hljs.highlight(code, { language: l, ignoreIllegals: true }).value : escapeHtml(code);
      return `<pre class="hljs"><code class="language-${escapeHtml(l || 'text')}">${body}</code></pre>`;
    },
  });
  const sanitize = (html: string): string =>
    purify.sanitize(html, {
      USE_PROFILES: { html: true },
      FORBID_TAGS: ['style', 'img', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed', 'svg', 'math'],
      FORBID_ATTR: ['style', 'srcset'],
    });
  return {
    markdown: (text) => sanitize(md.render(text)),
    sanitize,
  };
}

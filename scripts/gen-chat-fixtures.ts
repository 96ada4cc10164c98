/**
 * Generates test/tokenizer/fixtures/chat-templates.json: real chat templates
 * of the major code-model families (public data from llama.cpp's test suite
 * and models/templates) and, for a few conversations, the exact string
 * llama.cpp itself renders for them: its C API llama_chat_apply_template()
 * from the libllama that node-llama-cpp ships (the same llama.cpp build the
 * differential tokenizer tests use). That API applies llama.cpp's built-in
 * format for the family it detects in the template text.
 *
 * Needs gcc and the node-llama-cpp linux-x64 prebuilt. Run:
 *   npx tsx scripts/gen-chat-fixtures.ts
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');
const NLC = path.join(ROOT, 'node_modules', 'node-llama-cpp');
const LIBDIR = path.join(ROOT, 'node_modules', '@node-llama-cpp', 'linux-x64', 'bins', 'linux-x64');
const OUT = path.join(ROOT, 'test', 'tokenizer', 'fixtures', 'chat-templates.json');

interface Message { role: string; content: string }

/** Decodes the C string literal(s) starting at text[i] (adjacent literals concatenate). */
function readCString(text: string, i: number): string {
  let out = '';
  for (;;) {
    while (/\s/.test(text[i])) i++;
    if (text.startsWith('u8"', i)) i += 2;
    if (text[i] !== '"') return out;
    i++;
    while (text[i] !== '"') {
      if (text[i] === '\\') {
        const c = text[i + 1];
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", '0': '\0' };
        if (!(c in map)) throw new Error(`unsupported escape \\${c}`);
        out += map[c];
        i += 2;
      } else {
        out += text[i++];
      }
    }
    i++;
  }
}

function templateFromTests(testSource: string, name: string): string {
  const at = testSource.indexOf(`/* .name= */ "${name}"`);
  if (at < 0) throw new Error(`no test case named ${name}`);
  const key = '/* .template_str= */';
  const t = testSource.indexOf(key, at);
  return readCString(testSource, t + key.length);
}

const DRIVER = `
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "llama.h"
/* argv: template file, add_generation_prompt (0/1), then role/content file pairs */
static char * slurp(const char * p) {
    FILE * f = fopen(p, "rb"); if (!f) { perror(p); exit(2); }
    fseek(f, 0, SEEK_END); long n = ftell(f); fseek(f, 0, SEEK_SET);
    char * b = malloc(n + 1); if (fread(b, 1, n, f) != (size_t) n) exit(2); b[n] = 0; fclose(f); return b;
}
int main(int argc, char ** argv) {
    const char * tmpl = slurp(argv[1]);
    int add_ass = atoi(argv[2]);
    int n = (argc - 3) / 2;
    struct llama_chat_message * msgs = calloc(n, sizeof *msgs);
    for (int i = 0; i < n; i++) { msgs[i].role = slurp(argv[3 + 2 * i]); msgs[i].content = slurp(argv[4 + 2 * i]); }
    int cap = 1 << 16; char * buf = malloc(cap);
    int r = llama_chat_apply_template(tmpl, msgs, n, add_ass, buf, cap);
    if (r < 0 || r > cap) { fprintf(stderr, "llama_chat_apply_template: %d\\n", r); return 3; }
    fwrite(buf, 1, r, stdout);
    return 0;
}
`;

const CONVERSATIONS: Record<string, Message[]> = {
  withSystem: [
    { role: 'system', content: 'You are a helpful coding assistant.' },
    { role: 'user', content: 'Write hello world in C.' },
    { role: 'assistant', content: 'int main(void) { puts("hello"); }' },
    { role: 'user', content: 'Now in Rust, please.' },
  ],
  noSystem: [
    { role: 'user', content: 'What does `git rebase -i` do?' },
    { role: 'assistant', content: 'It rewrites commits interactively.' },
    { role: 'user', content: 'Thanks!\nAnd `git reflog`?' },
  ],
};

function main(): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-chat-fixtures-'));
  try {
    const src = path.join(work, 'llama.cpp');
    execFileSync('git', ['clone', '-q', path.join(NLC, 'llama', 'gitRelease.bundle'), src], { stdio: 'ignore' });
    const info = JSON.parse(fs.readFileSync(path.join(NLC, "llama", "llama.cpp.info.json"), "utf8")) as { tag: string; llamaCppGithubRepo?: string };
    const tests = fs.readFileSync(path.join(src, 'tests', 'test-chat-template.cpp'), 'utf8');
    const families: { family: string; source: string; template: string; bos: string; eos: string }[] = [
      {
        family: 'qwen2.5', source: 'llama.cpp models/templates/Qwen-Qwen2.5-7B-Instruct.jinja (same template as Qwen2.5-Coder-Instruct)',
        template: fs.readFileSync(path.join(src, 'models', 'templates', 'Qwen-Qwen2.5-7B-Instruct.jinja'), 'utf8'),
        bos: '', eos: '<|im_end|>',
      },
      { family: 'llama3', source: 'llama.cpp tests/test-chat-template.cpp "Llama-3" (Meta-Llama-3-8B-Instruct)', template: templateFromTests(tests, 'Llama-3'), bos: '<|begin_of_text|>', eos: '<|eot_id|>' },
      { family: 'deepseek-coder', source: 'llama.cpp tests/test-chat-template.cpp "deepseek-ai/deepseek-coder-33b-instruct"', template: templateFromTests(tests, 'deepseek-ai/deepseek-coder-33b-instruct'), bos: '<｜begin▁of▁sentence｜>', eos: '<|EOT|>' },
      { family: 'mistral', source: 'llama.cpp tests/test-chat-template.cpp "mistralai/Mistral-7B-Instruct-v0.2 (mistralai \'v1\' template with a system prompt)"', template: templateFromTests(tests, "mistralai/Mistral-7B-Instruct-v0.2 (mistralai 'v1' template with a system prompt)"), bos: '<s>', eos: '</s>' },
      { family: 'gemma', source: 'llama.cpp tests/test-chat-template.cpp "google/gemma-7b-it"', template: templateFromTests(tests, 'google/gemma-7b-it'), bos: '<bos>', eos: '<eos>' },
    ];
    const driver = path.join(work, 'driver');
    fs.writeFileSync(`${driver}.c`, DRIVER);
    execFileSync('gcc', ['-O1', '-o', driver, `${driver}.c`, `-I${path.join(src, 'include')}`, `-I${path.join(src, 'ggml', 'include')}`,
      `-L${LIBDIR}`, `-l:libllama.${info.tag}.so`, `-Wl,-rpath,${LIBDIR}`]);
    const cases: unknown[] = [];
    for (const f of families) {
      const tmplFile = path.join(work, `${f.family}.jinja`);
      fs.writeFileSync(tmplFile, f.template);
      for (const [name, messages] of Object.entries(CONVERSATIONS)) {
        const args = [tmplFile, '1'];
        messages.forEach((m, i) => {
          const r = path.join(work, `r${i}`);
          const c = path.join(work, `c${i}`);
          fs.writeFileSync(r, m.role);
          fs.writeFileSync(c, m.content);
          args.push(r, c);
        });
        let llamaCpp: string | null = null;
        try {
          llamaCpp = execFileSync(driver, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        } catch {
          llamaCpp = null;  // llama.cpp has no built-in format for this template
        }
        cases.push({ family: f.family, conversation: name, messages, addGenerationPrompt: true, llamaCpp });
      }
    }
    const doc = {
      generatedBy: 'scripts/gen-chat-fixtures.ts',
      llamaCpp: `${info.llamaCppGithubRepo ?? 'ggml-org/llama.cpp'} ${info.tag} (node-llama-cpp bundle), llama_chat_apply_template()`,
      templates: Object.fromEntries(families.map((f) => [f.family, { source: f.source, bos: f.bos, eos: f.eos, template: f.template }])),
      cases,
    };
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, JSON.stringify(doc, null, 2) + '\n');
    console.log(`wrote ${OUT}: ${cases.length} cases`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();

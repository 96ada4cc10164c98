/**
 * Fuzz: chat templates from hostile model files through the bounded renderer
 * (engine/template-sandbox.ts). Random templates built from loops over huge
 * ranges, recursive macros, string growth, deep nesting and plain text: every
 * render returns (a rendering or the fallback format) or fails with
 * E_TEMPLATE_LIMIT, always within the time bound plus slack, and the process
 * survives.
 */
import { strict as assert } from 'assert';
import { SeededRandom, fuzzSeed } from './helpers/seeded-random';
import { TemplateSandbox } from '../../extension/engine/template-sandbox';

const LIMITS = { timeMs: 400, maxOutputChars: 64 * 1024, heapMb: 48 };
/** Time bound plus a worker restart (tsx compiles the worker in tests) plus load on a shared machine. */
const SLACK_MS = 8000;
const BUDGET_MS = 14000;

function piece(r: SeededRandom, depth: number): string {
  const inner = (): string => (depth > 0 ? piece(r, depth - 1) : r.pick(['x', '{{ m.content }}', '{{ i }}', '', '{{ bos_token }}']));
  switch (r.int(0, 11)) {
    case 0: return `{% for i in range(${r.pick([3, 100, 100000, 1000000000])}) %}${inner()}{% endfor %}`;
    case 1: return `{% for m in messages %}${inner()}{% endfor %}`;
    case 2: return `{% macro f(n) %}{{ f(n + 1) }}${inner()}{% endmacro %}{{ f(0) }}`;
    case 3: return `{{ '${r.pick(['a', 'ab', 'abc'])}' * ${r.pick([2, 1000, 100000000])} }}`;
    case 4: return `{% set s = namespace(t='ab') %}{% for i in range(${r.int(1, 40)}) %}{% set s.t = s.t + s.t %}{% endfor %}{{ s.t | length }}`;
    case 5: return '{% if true %}'.repeat(r.int(1, 400)) + inner() + '{% endif %}'.repeat(r.int(0, 400));
    case 6: return '('.repeat(r.int(1, 3000)) + ')'.repeat(r.int(0, 3000));
    case 7: return `{{ raise_exception('${r.string(5).replace(/'/g, '')}') }}`;
    case 8: return `{{ ${r.pick(['messages', 'range(5)', 'messages[0].content', 'undefined_var', 'messages | length', '[1,2,3] | join(",")'])} }}`;
    case 9: return r.string(30);
    case 10: return `{% for i in range(${r.int(1, 300)}) %}{% for j in range(${r.int(1, 300)}) %}${inner()}{% endfor %}{% endfor %}`;
    default: return inner() + inner();
  }
}

describe('js fuzz: chat template limits', function () {
  this.timeout(90000);

  it('every random template renders, falls back, or stops with E_TEMPLATE_LIMIT within the bound', async () => {
    const seed = fuzzSeed(0x7e3b1a7e);
    const r = new SeededRandom(seed);
    const sandbox = new TemplateSandbox(LIMITS);
    const failures: string[] = [];
    const outcomes = new Map<string, number>();
    let runs = 0;
    try {
      for (const t0 = Date.now(); Date.now() - t0 < BUDGET_MS; runs++) {
        const template = Array.from({ length: r.int(1, 3) }, () => piece(r, r.int(0, 2))).join('');
        const start = Date.now();
        let outcome: string;
        try {
          const rendered = await sandbox.render([{ role: 'user', content: r.string(20) }], { template });
          outcome = rendered.via;
          if (rendered.text.length > LIMITS.maxOutputChars && rendered.via.startsWith('template')) failures.push(`output over the limit: ${rendered.text.length}`);
        } catch (err) {
          outcome = String((err as { code?: unknown }).code);
          if (outcome !== 'E_TEMPLATE_LIMIT') failures.push(`${outcome}: ${(err as Error).message} for ${template.slice(0, 200)}`);
        }
        const ms = Date.now() - start;
        if (ms > LIMITS.timeMs + SLACK_MS) failures.push(`took ${ms} ms: ${template.slice(0, 200)}`);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        if (failures.length > 5) break;
      }
    } finally {
      await sandbox.dispose();
    }
    const summary = [...outcomes].map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(`      fuzz chat-template: ${runs} executions, ${failures.length} failures (seed ${seed}; ${summary}; ${sandbox.workersStarted} workers)`);
    assert.deepEqual(failures, []);
    assert.ok((outcomes.get('E_TEMPLATE_LIMIT') ?? 0) > 0 && (outcomes.get('template') ?? 0) > 0, `both limits and renders must occur: ${summary}`);
  });
});

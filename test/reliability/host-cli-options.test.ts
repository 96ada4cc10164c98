/**
 * Defect 11 (CLI and JS API): integer options were checked loosely: `--n
 * 1e20` and `--seed 1e30` passed (Number('1e20') is an integer), `--threads`
 * had no upper bound. Every integer option now goes through one "integer in
 * range" check and fails with E_INVALID_ARGUMENT naming the flag and range;
 * `--threads` above the cores present is clamped with a warning.
 */
import { strict as assert } from 'assert';
import { intOption, parseArgs } from '../../extension/cli/commands/model-args';
import { INT_OPTION_RANGES, coresPresent, type IntOptionName } from '../../extension/engine/int-option';
import { loadModel } from '../../extension/engine/engine';
import { runCli } from '../helpers/run-cli';
import { fixture } from '../helpers/fixtures';

const MODEL = fixture('tiny-llama/tinyllamas-stories-260k-f32.gguf');

function optionError(name: IntOptionName, value: string): { code: string; message: string } | null {
  const args = parseArgs([`--${name}`, value], [name], []);
  try {
    intOption(args, name, 0);
    return null;
  } catch (err) {
    return { code: String((err as { code?: unknown }).code), message: (err as Error).message };
  }
}

describe('integer options (CLI and API)', function () {
  this.timeout(120000);

  it('refuses non-integers, exponents and out-of-range values for every integer flag, naming flag and range', () => {
    const bad = ['1e20', '1e30', 'abc', '1.5', '', ' ', '0x10', '-1', '99999999999999999999', 'Infinity', 'NaN', '2e3'];
    for (const name of Object.keys(INT_OPTION_RANGES) as IntOptionName[]) {
      const r = INT_OPTION_RANGES[name];
      for (const v of [...bad, String(r.max + 1), String(r.min - 1)]) {
        const e = optionError(name, v);
        assert.ok(e, `--${name} ${JSON.stringify(v)} was accepted`);
        assert.equal(e.code, 'E_INVALID_ARGUMENT');
        assert.ok(e.message.includes(`--${name} must be an integer from ${r.min} to ${r.max}`), e.message);
      }
      assert.equal(optionError(name, String(r.min)), null);
      if (name !== 'threads') assert.equal(optionError(name, String(r.max)), null);
    }
  });

  it('clamps --threads above the cores present, with a warning', () => {
    const warnings: string[] = [];
    const n = intOption(parseArgs(['--threads', String(coresPresent() + 5)], ['threads'], []), 'threads', 0, (l) => warnings.push(l));
    assert.equal(n, coresPresent());
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /more than the \d+ cores present/);
  });

  it('the CLI prints E_INVALID_ARGUMENT with the flag and range and exits 2', async function () {
    const cases: [string[], RegExp][] = [
      [['generate', MODEL, '--prompt', 'x', '--n', '1e20'], /E_INVALID_ARGUMENT: --n must be an integer from 0 to \d+, got '1e20'/],
      [['generate', MODEL, '--prompt', 'x', '--seed', '1e30'], /E_INVALID_ARGUMENT: --seed must be an integer from 0 to \d+/],
      [['generate', MODEL, '--prompt', 'x', '--ctx', 'abc'], /E_INVALID_ARGUMENT: --ctx must be an integer from 0 to \d+/],
      [['bench', MODEL, '--threads', '1.5'], /E_INVALID_ARGUMENT: --threads must be an integer from 0 to \d+/],
    ];
    for (const [argv, want] of cases) {
      const r = await runCli(argv);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, want);
    }
    const clamp = await runCli(['generate', MODEL, '--prompt', 'Once', '--n', '2', '--threads', String(coresPresent() + 7)]);
    assert.equal(clamp.code, 0, clamp.stderr);
    assert.match(clamp.stderr, /warning: --threads \d+ is more than the \d+ cores present; using \d+/);
  });

  it('the JS API refuses the same values with E_INVALID_ARGUMENT', async function () {
    for (const opts of [{ threads: 1.5 }, { threads: -1 }, { contextLength: 1e20 }, { contextLength: NaN }]) {
      await assert.rejects(loadModel(MODEL, opts), (e: { code?: string; message: string }) => e.code === 'E_INVALID_ARGUMENT' && /must be an integer from/.test(e.message));
    }
    const model = await loadModel(MODEL, { threads: 1 });
    try {
      const s = model.createSession({ contextLength: 64 });
      for (const opts of [{ maxTokens: 1e20 }, { maxTokens: 2.5 }, { seed: 1e30 }, { seed: -3 }]) {
        assert.throws(() => s.generate('Once', opts), (e: { code?: string }) => e.code === 'E_INVALID_ARGUMENT');
      }
    } finally {
      model.dispose();
    }
  });
});

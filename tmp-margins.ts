// ad-hoc: min greedy margin / tolerance per prompt and format, Hearth only
import { loadModel } from './extension/engine/engine';
import { randomModelAs } from './test/helpers/model-factory';
const TOL: Record<string, number> = { F32: 2e-3, F16: 2e-3, Q8_0: 4e-2, Q4_K_M: 4e-2 };
function top(l: Float32Array): [number, number] { let b1 = -Infinity, b2 = -Infinity, s = 0; for (const v of l) { s = Math.max(s, Math.abs(v)); if (v > b1) { b2 = b1; b1 = v; } else if (v > b2) b2 = v; } return [b1 - b2, s]; }
(async () => {
  const spec = JSON.parse(process.env.SPEC!);
  const prompts: string[] = JSON.parse(process.env.PROMPTS!);
  const formats = (process.env.FORMATS ?? 'F32,F16,Q8_0,Q4_K_M').split(',');
  for (const f of formats) {
    const m = await loadModel(await randomModelAs(spec, f), { threads: 2 });
    for (const p of prompts) {
      const ids = m.tokenize(p, { addBos: m.info.addBos });
      const s = m.createSession({ contextLength: 256 });
      const first = await s.evaluate(ids);
      let [mm, scale] = top(first.logits);
      const gen = await s.generate(ids, { maxTokens: 32, stopOnEog: false }).result;
      for (let i = 1; i < gen.tokens.length; i++) { const st = await s.evaluate([...ids, ...gen.tokens.slice(0, i)]); mm = Math.min(mm, top(st.logits)[0]); }
      s.dispose();
      console.log(f.padEnd(7), JSON.stringify(p).slice(0, 30).padEnd(32), 'ratio', (mm / (TOL[f] * scale)).toFixed(2));
    }
    m.dispose();
  }
})();

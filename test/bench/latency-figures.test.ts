/** The latency benchmark's figures from hand-made replay records (bench/latency/figures.ts, latency-report.ts). */
import { strict as assert } from 'assert';
import { latencyFigures, medianFigures, pauseSamples, prefetchUnused, serialCpu } from '../../bench/latency/figures';
import type { KeyRecord } from '../../bench/latency/replay';
import type { RequestRecord } from '../../bench/latency/driver';
import { latencyChart, latencyResultFile, latencyTable, type LatencyResult } from '../../bench/latency/latency-report';

const key = (t: number, site: number, shownMs: number | null, answeredMs: number | null = shownMs): KeyRecord => ({ t, site, kind: 'key', relPath: 'a.ts', offset: 0, shownMs, answeredMs, fromCache: false });
const req = (o: Partial<RequestRecord>): RequestRecord => ({
  startMs: 0, endMs: 0, kind: 'request', outcome: 'done', promptTokens: 100, evaluatedTokens: 10, generatedTokens: 8, cpuMs: 0, wasted: false, ...o,
});

describe('bench: latency figures', () => {
  // Site 0: keys at 0, 100 (pause 900 after it, served in 300), 1000, 1150 (pause 850, not served).
  // Site 1 (after a jump): 2000 (pause 500, served in 450), 2500 (last key: pause to the end at 3500, served in 50).
  const keys = [key(0, 0, null), key(100, 0, 300), key(1000, 0, null), key(1150, 0, null), key(2000, 1, 450), key(2500, 1, 50)];
  const endMs = 3500;

  it('pauses are gaps of at least 400 ms; unserved ones count at their full gap', () => {
    assert.deepEqual(pauseSamples(keys, endMs), [
      { site: 0, served: true, answered: true, ms: 300 },
      { site: 0, served: false, answered: false, ms: 850 },
      { site: 1, served: true, answered: true, ms: 450 },
      { site: 1, served: true, answered: true, ms: 50 },
    ]);
  });

  it('an empty answer in time is answered but not served (nothing shown)', () => {
    assert.deepEqual(pauseSamples([key(0, 0, null, 120), key(500, 0, null)], 600), [{ site: 0, served: false, answered: true, ms: 500 }]);
    const f = latencyFigures({ keys: [key(0, 0, null, 120), key(500, 0, 200)], endMs: 1000, requests: [], totalCpuMs: 0 });
    assert.equal(f.pausesServed, 1);
    assert.equal(f.pausesAnswered, 2);
  });

  it('a pause ends at a cursor jump as at a key: the jump hides ghost text', () => {
    // Site 0's key 1150 is followed by a jump at 1500 (350 ms: no pause) before site 1's first key at 2000.
    assert.deepEqual(pauseSamples(keys, endMs, [1500]), [
      { site: 0, served: true, answered: true, ms: 300 },
      { site: 1, served: true, answered: true, ms: 450 },
      { site: 1, served: true, answered: true, ms: 50 },
    ]);
    // A jump 600 ms after a key: a pause of 600 ms, and ghost text at 700 ms came too late.
    assert.deepEqual(pauseSamples([key(0, 0, 700), key(2000, 1, null)], 2100, [600]), [{ site: 0, served: false, answered: false, ms: 600 }]);
    const f = latencyFigures({ keys, endMs, jumps: [{ t: 1500, site: 1, kind: 'near' }], requests: [], totalCpuMs: 0 });
    assert.equal(f.pauses, 3);
  });

  it('ghost text arriving after the next key does not serve the pause', () => {
    assert.deepEqual(pauseSamples([key(0, 0, 700), key(500, 0, null)], 600), [{ site: 0, served: false, answered: false, ms: 500 }]);
  });

  it('fraction served, percentiles, the first pause of each site, prompt tokens and wasted CPU', () => {
    const requests = [
      req({ evaluatedTokens: 700, cpuMs: 900 }),
      req({ evaluatedTokens: 12, cpuMs: 100 }),
      req({ outcome: 'aborted', evaluatedTokens: 500, cpuMs: 600, wasted: true }),
      req({ outcome: 'superseded', evaluatedTokens: 30, cpuMs: 200, wasted: true }),
      req({ kind: 'prefetch', evaluatedTokens: 800, cpuMs: 300, wasted: true }),
      req({ kind: 'prep', evaluatedTokens: 400, cpuMs: 100 }),
    ];
    const f = latencyFigures({ keys, endMs, requests, totalCpuMs: 4000 });
    assert.equal(f.pauses, 4);
    assert.equal(f.pausesServed, 3);
    assert.equal(f.pausesServedFraction, 0.75);
    assert.deepEqual(f.pauseLatencyMs, { p50: 300, p95: 850 });
    assert.equal(f.newSitePauses, 2);
    assert.equal(f.newSiteServed, 2);
    assert.deepEqual(f.newSiteLatencyMs, { p50: 300, p95: 450 });
    // Finished requests for keys only (done or superseded): 700, 12, 30.
    assert.deepEqual(f.promptTokensPerRequest, { p50: 30, p95: 700 });
    assert.equal(f.requests, 4);
    assert.equal(f.wastedCpuMs, 1100);
    assert.equal(f.wastedCpuShare, 1100 / 4000);
    assert.equal(f.keystrokes, 6);
  });

  it('no pauses: NaN fractions and percentiles, not zeros', () => {
    const f = latencyFigures({ keys: [key(0, 0, null), key(100, 0, null)], endMs: 200, requests: [], totalCpuMs: 0 });
    assert.equal(f.pauses, 0);
    assert.ok(Number.isNaN(f.pausesServedFraction));
    assert.ok(Number.isNaN(f.pauseLatencyMs.p50));
    assert.ok(Number.isNaN(f.wastedCpuShare));
  });

  it('medians over runs, figure by figure', () => {
    const base = latencyFigures({ keys, endMs, requests: [], totalCpuMs: 1000 });
    const m = medianFigures([
      { ...base, pausesServedFraction: 0.2, pauseLatencyMs: { p50: 100, p95: 900 } },
      { ...base, pausesServedFraction: 0.6, pauseLatencyMs: { p50: 300, p95: 500 } },
      { ...base, pausesServedFraction: 0.4, pauseLatencyMs: { p50: 200, p95: 700 } },
    ]);
    assert.equal(m.pausesServedFraction, 0.4);
    assert.deepEqual(m.pauseLatencyMs, { p50: 200, p95: 700 });
  });

  it("a one-slot server's CPU: overlapping requests are not counted twice", () => {
    // B arrives while A runs: its work starts when A ends. C arrives after B ended.
    assert.deepEqual(serialCpu([{ startCpuMs: 100, endCpuMs: 200 }, { startCpuMs: 150, endCpuMs: 300 }, { startCpuMs: 350, endCpuMs: 360 }]), [100, 100, 10]);
  });

  it('a prefetch is unused when no key follows it before the next jump', () => {
    assert.equal(prefetchUnused(1000, [900, 1500], [2000]), false);
    assert.equal(prefetchUnused(1000, [900, 2500], [2000]), true);
    assert.equal(prefetchUnused(3000, [900, 2500], [2000]), true);
  });

  it('table and chart: Hearth and the peer side by side, names escaped', () => {
    const f = latencyFigures({ keys, endMs, requests: [req({})], totalCpuMs: 1000 });
    const r: LatencyResult = { machine: { cpu: 'CPU <x>', kernelLevel: 'avx512' }, model: '0.5b-q8_0', tokens: 8, threads: 2, runs: 3, hearth: f, peer: { ...f, pausesServedFraction: 0.5 } };
    const lines = latencyTable([r, { ...r, peer: null, tokens: 24 }]).split('\n');
    assert.match(lines[2], /^\| avx512 \| 0\.5b-q8_0 \| 8 \| 3 \| Hearth \| 75% \(3\/4\) \| 75% \(3\/4\) \| 300 \/ 850 \|/);
    assert.match(lines[3], /llama\.vscode \+ llama-server \| 50% /);
    assert.match(lines[4], /\| 24 \| 3 \| Hearth \|/);
    assert.equal(latencyResultFile(r), 'latency-avx512-0.5b-q8_0-8.json');
    const svg = latencyChart([r], 'A <title>');
    assert.match(svg, /^<svg /);
    assert.match(svg, /A &lt;title&gt;/);
    // Five panels, two bars each for the one case.
    assert.equal((svg.match(/<rect x="[\d.]+" y="[\d.]+" width="26"/g) ?? []).length, 10);
  });
});

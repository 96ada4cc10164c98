// Child process for test/reliability/engine-*.test.ts: the reproductions
// that crashed or hung the whole process on the old engine run here, so a
// crash is an exit status the test asserts on, not the death of mocha.
//
// Usage: node engine-child.cjs <scenario> <model.gguf> [arg]
// Prints one JSON line (the scenario's findings) and exits 0; any failure
// prints {"error": ...} and exits 1. HEARTH_TEST_ADDON=<path to hearth.node>
// loads that addon instead of this checkout's (to rerun a scenario on an
// older build and see it fail).
'use strict';
const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');
const addon = process.env.HEARTH_TEST_ADDON
  ? require(path.resolve(process.env.HEARTH_TEST_ADDON))
  : require('node-gyp-build')(repoRoot);

const [scenario, modelPath, arg] = process.argv.slice(2);

function codeOf(err) {
  return err && typeof err === 'object' ? { code: err.code ?? null, message: String(err.message) } : { code: null, message: String(err) };
}

// Runs generate() to its final event; resolves with that event and the token count.
function generateAll(session, tokens, options, onToken) {
  return new Promise((resolve) => {
    let n = 0;
    try {
      session.generate(tokens, options, (ev) => {
        if (ev.type === 'token') {
          n++;
          if (onToken) onToken(ev, n);
        } else resolve({ ev, n });
      });
    } catch (err) {
      resolve({ ev: { type: 'error', error: err }, n });
    }
  });
}

function summary(ev) {
  return ev.type === 'done' ? { type: 'done', reason: ev.reason } : { type: 'error', ...codeOf(ev.error) };
}

const scenarios = {
  // tokens() and info() while a generation changes the token list on its
  // thread; evaluate()/generate() meanwhile must fail with E_BUSY.
  async 'tokens-during-generate'() {
    const model = await addon.loadModel(modelPath, { threads: 1 });
    const session = model.createSession({ contextLength: 64 });
    const prompt = model.tokenize('Once upon a time', true, false);
    let reads = 0;
    let badLength = 0;
    const busy = [];
    let spinning = true;
    // Reads from the event loop as fast as it turns, beside the token events.
    const spin = () => {
      if (!spinning) return;
      for (let i = 0; i < 50; i++) {
        const t = session.tokens();
        const info = session.info();
        reads++;
        if (t.length > 64 || info.cachedTokens > 64) badLength++;
      }
      setImmediate(spin);
    };
    setImmediate(spin);
    const { ev, n } = await generateAll(session, prompt, { maxTokens: 3000, temperature: 0.9, seed: 7 }, (_e, k) => {
      session.tokens();
      if (k === 10) {
        try {
          session.generate(prompt, {}, () => undefined);
          busy.push('generate accepted');
        } catch (err) {
          busy.push(codeOf(err).code);
        }
        try {
          session.evaluate(prompt).then(
            () => busy.push('evaluate accepted'),
            (err) => busy.push(codeOf(err).code),
          );
        } catch (err) {
          busy.push(codeOf(err).code);
        }
      }
    });
    spinning = false;
    await new Promise((r) => setTimeout(r, 20));
    session.dispose();
    model.dispose();
    return { final: summary(ev), generated: n, reads, badLength, busy };
  },

  // dispose() of the session (or of the model) mid-generation: no token event
  // after it, and the generation's final event arrives.
  async 'dispose-during-generate'() {
    const which = arg === 'model' ? 'model' : 'session';
    const model = await addon.loadModel(modelPath, { threads: 1 });
    const session = model.createSession({ contextLength: 64 });
    const prompt = model.tokenize('Once upon a time', true, false);
    let disposed = false;
    let inDispose = false;
    let before = 0;
    let after = 0;
    let finalEvent = null;
    let finalDuringDispose = false;
    await new Promise((resolve) => {
      session.generate(prompt, { maxTokens: 100000, temperature: 0.9, seed: 3 }, (ev) => {
        if (ev.type === 'token') {
          if (disposed) after++;
          else before++;
          if (before === 50 && !disposed) {
            // Dispose from a timer, not from inside this event handler.
            setImmediate(() => {
              disposed = true;
              inDispose = true;
              if (which === 'model') model.dispose();
              else session.dispose();
              inDispose = false;
              setTimeout(resolve, 300);
            });
          }
          return;
        }
        finalEvent = summary(ev);
        finalDuringDispose = inDispose;
      });
    });
    let laterCall = null;
    try {
      session.tokens();
      laterCall = 'accepted';
    } catch (err) {
      laterCall = codeOf(err).code;
    }
    if (which === 'session') model.dispose();
    return { which, tokensBeforeDispose: before, tokensAfterDispose: after, finalEvent, finalDuringDispose, laterCall };
  },

  // The mapped model file truncated under a loaded model (`cp new over`):
  // a coded error for that request and every later one, the process alive.
  async 'truncate-mapped'() {
    const copy = arg;
    fs.copyFileSync(modelPath, copy);
    const model = await addon.loadModel(copy, { threads: 1 });
    const session = model.createSession({ contextLength: 64 });
    const prompt = model.tokenize('Once upon a time', true, false);
    const before = summary((await generateAll(session, prompt, { maxTokens: 4 })).ev);
    const size = fs.statSync(copy).size;
    fs.truncateSync(copy, Math.floor(size / 2));
    const first = summary((await generateAll(session, [...prompt, 42], { maxTokens: 8 })).ev);
    const second = summary((await generateAll(session, prompt, { maxTokens: 8 })).ev);
    const other = model.createSession({ contextLength: 64 });
    const fresh = summary((await generateAll(other, prompt, { maxTokens: 8 })).ev);
    model.dispose();
    fs.unlinkSync(copy);
    return { before, first, second, fresh };
  },

  // loadModel on a path that is not a regular file (a FIFO here).
  async 'load-special'() {
    try {
      await addon.loadModel(modelPath, { threads: 1 });
      return { loaded: true };
    } catch (err) {
      return { loaded: false, ...codeOf(err) };
    }
  },
};

const run = scenarios[scenario];
if (!run) {
  process.stdout.write(JSON.stringify({ error: `unknown scenario ${scenario}` }) + '\n');
  process.exit(1);
}
run().then(
  (result) => {
    process.stdout.write(JSON.stringify(result) + '\n');
    process.exit(0);
  },
  (err) => {
    process.stdout.write(JSON.stringify({ error: String(err && err.stack ? err.stack : err) }) + '\n');
    process.exit(1);
  },
);

// Reads binding.gyp and the native/gyp/*.gypi it includes into flat target
// descriptions for one OS/arch, so that a build without node-gyp (the mingw
// cross build of win32-x64) compiles exactly the sources and per-ISA flags
// the gyp files list. Supports the subset of gyp these files use: includes,
// target_defaults, conditions (with else), "key!" exclusions and <!(cmd).
import { execSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const PATH_KEYS = new Set(['sources', 'include_dirs']);

/** gyp files are Python literals; ours are JSON plus # comments and trailing commas. */
function parseGypText(text, file) {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === "'") {
      throw new Error(`${file}: single-quoted strings are not supported here; use double quotes`);
    } else {
      out += c;
    }
  }
  return JSON.parse(out.replace(/,(\s*[\]}])/g, '$1'));
}

/** Makes relative paths under sources/include_dirs absolute, relative to dir. */
function absolutizePaths(node, dir) {
  if (Array.isArray(node)) {
    node.forEach((n) => absolutizePaths(n, dir));
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (PATH_KEYS.has(key.replace(/[!/]$/, '')) && Array.isArray(value)) {
      node[key] = value.map((p) => (p.startsWith('<') || path.isAbsolute(p) ? p : path.resolve(dir, p)));
    } else {
      absolutizePaths(value, dir);
    }
  }
}

function mergeInto(dst, src) {
  for (const [key, value] of Object.entries(src)) {
    if (Array.isArray(value)) dst[key] = [...(dst[key] || []), ...value];
    else if (value && typeof value === 'object') dst[key] = mergeInto(dst[key] || {}, value);
    else dst[key] = value;
  }
  return dst;
}

/** Evaluates a gyp condition such as "target_arch=='x64' and OS!='win'". */
function evalCondition(expr, vars) {
  const js = expr
    .replace(/\band\b/g, '&&')
    .replace(/\bor\b/g, '||')
    .replace(/\bnot\b/g, '!')
    .replace(/\b([A-Za-z_]\w*)\b(?=\s*[!=]=)/g, (name) => JSON.stringify(vars[name] ?? ''));
  if (!/^[\s"'\w.=!&|()-]*$/.test(js)) throw new Error(`unsupported gyp condition: ${expr}`);
  return Function(`return (${js});`)();
}

/** Folds "conditions" of this dict (recursively) into it. */
function applyConditions(node, vars) {
  if (!node || typeof node !== 'object' || Array.isArray(node)) return node;
  const conditions = node.conditions || [];
  delete node.conditions;
  for (const [expr, then, otherwise] of conditions) {
    const chosen = evalCondition(expr, vars) ? then : otherwise;
    if (chosen) mergeInto(node, applyConditions(structuredClone(chosen), vars));
  }
  for (const value of Object.values(node)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) applyConditions(value, vars);
  }
  return node;
}

function loadWithIncludes(file) {
  const dir = path.dirname(file);
  const doc = parseGypText(fs.readFileSync(file, 'utf8'), file);
  absolutizePaths(doc, dir);
  const merged = {};
  for (const inc of doc.includes || []) mergeInto(merged, loadWithIncludes(path.resolve(dir, inc)));
  delete doc.includes;
  return mergeInto(merged, doc);
}

/** Applies "key!" exclusion lists and expands <!(cmd) in include_dirs. */
function finishTarget(t, cwd) {
  for (const key of Object.keys(t)) {
    if (!key.endsWith('!')) continue;
    const base = key.slice(0, -1);
    const drop = new Set(t[key]);
    t[base] = (t[base] || []).filter((v) => !drop.has(v));
    delete t[key];
  }
  t.include_dirs = (t.include_dirs || []).map((p) => {
    const m = /^<!\((.*)\)$/.exec(p);
    return m ? path.resolve(cwd, execSync(m[1], { cwd, encoding: 'utf8' }).trim()) : p;
  });
  for (const key of ['sources', 'cflags', 'cflags_cc', 'defines', 'dependencies', 'ldflags']) t[key] = t[key] || [];
  return t;
}

/**
 * Targets of <bindingGyp> for vars {OS, target_arch}: each with type,
 * absolute sources, cflags, cflags_cc, defines, include_dirs, dependencies.
 */
export function gypTargets(bindingGyp, vars) {
  const doc = applyConditions(loadWithIncludes(path.resolve(bindingGyp)), vars);
  const defaults = applyConditions(doc.target_defaults || {}, vars);
  const cwd = path.dirname(path.resolve(bindingGyp));
  return (doc.targets || []).map((t) =>
    finishTarget(mergeInto(structuredClone(defaults), applyConditions(structuredClone(t), vars)), cwd),
  );
}

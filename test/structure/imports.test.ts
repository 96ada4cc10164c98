/**
 * The direction of the TypeScript imports (docs/architecture.md, "The layers"),
 * read with the TypeScript compiler's import scanner over extension/ and
 * webview/ (type-only imports included, which a bundle's metafile would miss).
 *
 * What holds here: no import cycle between files; the engine side (engine/,
 * gguf/, host/, protocol/, cli/) and the browser code never import 'vscode';
 * gguf/, engine/ and host/ import nothing above them (in that order); the
 * engine process's side of host/ (child/) and the extension's (parent/) never
 * import each other; cli/
 * imports nothing from the VS Code side or the engine process; serve/ (the
 * `hearth serve` HTTP server) never imports 'vscode' or host/child/ (it runs the
 * engine through host/parent/'s process boundary) and only cli/ imports it; the
 * webview reaches into extension/ only for its message protocol.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { tsSourceFiles } from '../helpers/source-files';

const ROOT = path.resolve(__dirname, '../..');

interface ImportEdge {
  from: string; // path relative to the repository root
  to: string; // a resolved relative path, or the bare module name
}

function resolveRelative(from: string, spec: string): string | null {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const candidate of [base, `${base}.ts`, path.posix.join(base, 'index.ts')]) {
    const abs = path.join(ROOT, candidate);
    if (fs.existsSync(abs) && fs.statSync(abs).isFile()) return candidate;
  }
  return null;
}

function importEdges(files: readonly string[]): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const scanned = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), 'utf8'), true, true);
    for (const imp of scanned.importedFiles) {
      const spec = imp.fileName;
      if (!spec.startsWith('.')) {
        edges.push({ from: file, to: spec });
        continue;
      }
      const to = resolveRelative(file, spec);
      if (!to) throw new Error(`${file}: import '${spec}' resolves to no file`);
      edges.push({ from: file, to });
    }
  }
  return edges;
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(files: readonly string[], edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) if (next.has(e.to)) next.get(e.from)!.push(e.to);
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return found;
}

const under = (dir: string) => (p: string) => p.startsWith(`${dir}/`) || p === dir;

describe('structure: import direction (extension/, webview/)', () => {
  const files = [...tsSourceFiles('extension'), ...tsSourceFiles('webview')];
  const edges = importEdges(files);
  const violations = (from: (p: string) => boolean, to: (p: string) => boolean) =>
    edges.filter((e) => from(e.from) && to(e.to)).map((e) => `${e.from} -> ${e.to}`);

  it('reads the whole tree (the scanner finds the imports)', () => {
    assert.ok(files.length > 50, `${files.length} files`);
    assert.ok(edges.some((e) => e.from === 'extension/extension.ts' && e.to === 'extension/activation.ts'), 'extension.ts -> activation.ts not seen');
    assert.ok(edges.some((e) => e.to === 'vscode'), 'no vscode import seen');
  });

  it('has no import cycle between files', () => {
    assert.deepEqual(cycles(files, edges), []);
  });

  it("keeps 'vscode' out of the engine side and the browser code", () => {
    const engineSide = ['extension/engine', 'extension/gguf', 'extension/host', 'extension/protocol', 'extension/cli', 'extension/serve', 'webview'].map(under);
    assert.deepEqual(violations((p) => engineSide.some((u) => u(p)), (t) => t === 'vscode'), []);
  });

  it('lets gguf/ import only itself and the native lists, and engine/ only itself and gguf/', () => {
    const gguf = under('extension/gguf');
    const engine = under('extension/engine');
    const local = (t: string) => t.startsWith('extension/') || t.startsWith('webview/') || t.startsWith('native/');
    assert.deepEqual(violations(gguf, (t) => local(t) && !gguf(t) && !under('native/lists')(t)), []);
    assert.deepEqual(violations(engine, (t) => local(t) && !engine(t) && !gguf(t) && !under('native/lists')(t)), []);
  });

  it('lets host/ import only itself, engine/ and gguf/ (the engine process needs nothing above it)', () => {
    const allowed = ['extension/host', 'extension/engine', 'extension/gguf', 'native/lists'].map(under);
    const local = (t: string) => t.startsWith('extension/') || t.startsWith('webview/') || t.startsWith('native/');
    assert.deepEqual(violations(under('extension/host'), (t) => local(t) && !allowed.some((u) => u(t))), []);
  });

  it('keeps the two sides of the engine boundary apart (host/parent/ and host/child/ never import each other)', () => {
    const parent = under('extension/host/parent');
    const child = under('extension/host/child');
    assert.deepEqual([...violations(parent, child), ...violations(child, parent)], []);
    // What the two share lives in host/ itself and imports neither side,
    // except in-process-engine.ts, which joins them in one process.
    const shared = (p: string) => under('extension/host')(p) && !parent(p) && !child(p) && p !== 'extension/host/in-process-engine.ts';
    assert.deepEqual(violations(shared, (t) => parent(t) || child(t)), []);
  });

  it('keeps cli/ off the VS Code side and the engine process (activation, chat, commands, ui, scm, config, host)', () => {
    const above = ['extension/activation.ts', 'extension/extension.ts', 'extension/config.ts', 'extension/chat', 'extension/commands', 'extension/ui', 'extension/scm', 'extension/completion', 'extension/host'].map(under);
    assert.deepEqual(violations(under('extension/cli'), (t) => above.some((u) => u(t))), []);
  });

  it('lets serve/ import only itself, engine/, gguf/ and host/ outside the engine process (child/), and only cli/ import serve/', () => {
    const allowed = ['extension/serve', 'extension/engine', 'extension/gguf', 'extension/host', 'native/lists'].map(under);
    const local = (t: string) => t.startsWith('extension/') || t.startsWith('webview/') || t.startsWith('native/');
    assert.deepEqual(violations(under('extension/serve'), (t) => (local(t) && !allowed.some((u) => u(t))) || under('extension/host/child')(t)), []);
    assert.deepEqual(violations((p) => !under('extension/serve')(p) && !under('extension/cli')(p), under('extension/serve')), []);
  });

  it('lets the webview reach into extension/ only for its message protocol', () => {
    assert.deepEqual(violations(under('webview'), (t) => t.startsWith('extension/') && t !== 'extension/protocol/webview-protocol.ts'), []);
  });

  it('finds a cycle and an upward import when there is one (the checks can fail)', () => {
    const a = 'x/a.ts', b = 'x/b.ts';
    assert.deepEqual(cycles([a, b], [{ from: a, to: b }, { from: b, to: a }]), [[a, b]]);
    assert.deepEqual(cycles([a, b], [{ from: a, to: b }]), []);
  });
});

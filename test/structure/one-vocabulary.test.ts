/**
 * One vocabulary on the TypeScript side: every exported type, interface,
 * class or enum name is declared in one file of extension/ and webview/, so
 * a request, a model's facts or a stop reason has one shape that other
 * layers narrow (Pick, extends) or re-export, never a second hand-typed copy
 * under the same name. Read with the TypeScript compiler's parser.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { tsSourceFiles } from '../helpers/source-files';

const ROOT = path.resolve(__dirname, '../..');

/** The names the layers pass to each other: each must exist, once. */
const VOCABULARY = ['FimRequest', 'ContextChunk', 'GenerateOptions', 'ChatOptions', 'ModelInfo', 'StopReason', 'TokenizeOptions', 'ChatMessage', 'EngineError'];

/** Exported top-level declarations of a file's text: name -> kind. */
export function exportedDeclarations(text: string): Map<string, string> {
  const sf = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, false);
  const out = new Map<string, string>();
  for (const st of sf.statements) {
    const exported = ts.canHaveModifiers(st) && (ts.getModifiers(st) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isInterfaceDeclaration(st)) out.set(st.name.text, 'interface');
    else if (ts.isTypeAliasDeclaration(st)) out.set(st.name.text, 'type');
    else if (ts.isClassDeclaration(st) && st.name) out.set(st.name.text, 'class');
    else if (ts.isEnumDeclaration(st)) out.set(st.name.text, 'enum');
  }
  return out;
}

describe('structure: one vocabulary', () => {
  const declared = new Map<string, string[]>();
  before(() => {
    for (const file of [...tsSourceFiles('extension'), ...tsSourceFiles('webview')]) {
      for (const name of exportedDeclarations(fs.readFileSync(path.join(ROOT, file), 'utf8')).keys()) {
        declared.set(name, [...(declared.get(name) ?? []), file]);
      }
    }
  });

  it('the reader sees interfaces, aliases, classes and enums, and skips re-exports and local types', () => {
    const found = exportedDeclarations([
      'export interface A { x: number }', 'export type B = A;', 'export class C {}', 'export enum D { E }',
      'interface Local {}', "export type { F } from './f';", 'export const g = 1;',
    ].join('\n'));
    assert.deepEqual([...found.entries()], [['A', 'interface'], ['B', 'type'], ['C', 'class'], ['D', 'enum']]);
  });

  it('no exported type name is declared in two files', () => {
    const twice = [...declared].filter(([, files]) => files.length > 1).map(([name, files]) => `${name}: ${files.join(', ')}`);
    assert.deepEqual(twice, []);
  });

  it('the request, options, model-info, stop-reason and error types each exist once', () => {
    for (const name of VOCABULARY) assert.equal(declared.get(name)?.length, 1, `${name}: ${declared.get(name)?.join(', ') ?? 'not declared'}`);
  });
});

/**
 * Makes `require('vscode')` resolve to helpers/fake-vscode for the modules a
 * test loads after calling it (load them with require inside `before`, not
 * with a top-level import, which mocha would evaluate first).
 */
import Module from 'module';
import type * as FakeVscode from './fake-vscode';

type Resolver = (request: unknown, ...rest: unknown[]) => string;

export function useFakeVscode(): typeof FakeVscode {
  const mod = Module as unknown as { _resolveFilename: Resolver };
  const fakePath = require.resolve('./fake-vscode');
  const orig = mod._resolveFilename;
  if (!(orig as { fakeVscode?: boolean }).fakeVscode) {
    const hooked: Resolver = function (this: unknown, request, ...rest) {
      if (request === 'vscode') return fakePath;
      return orig.call(this, request, ...rest);
    };
    (hooked as { fakeVscode?: boolean }).fakeVscode = true;
    mod._resolveFilename = hooked;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('vscode') as typeof FakeVscode;
}

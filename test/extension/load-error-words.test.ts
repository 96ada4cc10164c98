/**
 * describeLoadError: one sentence per kind of load failure. A damaged file
 * reads the same whether the quick header reader (host/gguf-peek.ts) or the
 * engine's loader found it: every E_GGUF_* code is "not a usable GGUF model".
 */
import { strict as assert } from 'assert';
import { useFakeVscode } from './helpers/with-fake-vscode';
import { EngineError } from '../../extension/engine/errors';

describe('model manager: load failures in words', () => {
  let describeLoadError: typeof import('../../extension/models/model-manager').describeLoadError;

  before(() => {
    useFakeVscode();
    // After the fake vscode is installed: model-manager imports 'vscode' when it loads.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    describeLoadError = require('../../extension/models/model-manager').describeLoadError;
  });

  it('words every E_GGUF_* code, from either reader, as a file that is not a usable GGUF model', () => {
    for (const code of ['E_GGUF_BAD_MAGIC', 'E_GGUF_TRUNCATED', 'E_GGUF_TENSOR_BOUNDS'] as const) {
      assert.equal(
        describeLoadError('/m/bad.gguf', new EngineError(code, 'the file ends early')),
        'bad.gguf is not a usable GGUF model: the file ends early',
      );
    }
  });

  it('keeps its other wordings (missing file, unknown failure)', () => {
    assert.equal(describeLoadError('/m/a.gguf', new EngineError('E_IO_NOT_FOUND', 'x')), 'Hearth cannot find the model file /m/a.gguf. Check hearth.model.');
    assert.equal(describeLoadError('/m/a.gguf', new EngineError('E_INTERNAL', 'boom')), 'Hearth could not load a.gguf: boom');
  });
});

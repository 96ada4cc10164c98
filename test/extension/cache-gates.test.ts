import { strict as assert } from 'assert';
import { CompletionCache } from '../../extension/completion/cache';
import { completionBlockedReason, globToRegExp, isExcluded, isSecretFile } from '../../extension/completion/gates';

describe('completion cache', () => {
  it('hits on the same context and evicts least recently used', () => {
    const c = new CompletionCache(2);
    c.put({ prefix: 'a', suffix: '' }, 'A');
    c.put({ prefix: 'b', suffix: '' }, 'B');
    assert.equal(c.get({ prefix: 'a', suffix: '' }), 'A'); // a is now newest
    c.put({ prefix: 'c', suffix: '' }, 'C');
    assert.equal(c.get({ prefix: 'b', suffix: '' }), undefined);
    assert.equal(c.get({ prefix: 'a', suffix: '' }), 'A');
    assert.equal(c.size, 2);
  });

  it('reuses a suggestion the user is typing through', () => {
    const c = new CompletionCache();
    c.put({ prefix: 'let total = ', suffix: '\n}' }, 'items.length;');
    assert.equal(c.get({ prefix: 'let total = ite', suffix: '\n}' }), 'ms.length;');
    assert.equal(c.get({ prefix: 'let total = itx', suffix: '\n}' }), undefined);
    assert.equal(c.get({ prefix: 'let total = ite', suffix: '\nother' }), undefined);
  });
});

describe('completion gates', () => {
  it('recognizes secret files', () => {
    for (const f of ['.env', 'app/.env.local', 'server.pem', 'id_rsa', 'k/id_ed25519.pub', 'secrets.yaml', '.npmrc']) assert.ok(isSecretFile(f), f);
    for (const f of ['env.ts', 'main.py', 'keys.ts']) assert.ok(!isSecretFile(f), f);
  });

  it('matches files.exclude globs on paths and parent folders', () => {
    assert.ok(globToRegExp('**/*.{js,ts}').test('a/b/c.ts'));
    assert.ok(isExcluded('node_modules/x/y.js', { '**/node_modules': true }));
    assert.ok(!isExcluded('src/y.js', { '**/node_modules': true, '**/*.md': false }));
    assert.ok(isExcluded('docs/readme.md', { '**/*.md': true }));
  });

  it('gives the reason completions are off', () => {
    const g = { relPath: 'a.ts', sizeBytes: 10, maxFileBytes: 100, excludes: {}, languageId: 'typescript', enabled: true, languages: {} };
    assert.equal(completionBlockedReason(g), null);
    assert.match(completionBlockedReason({ ...g, enabled: false }) ?? '', /turned off/);
    assert.match(completionBlockedReason({ ...g, languages: { typescript: false } }) ?? '', /typescript/);
    assert.match(completionBlockedReason({ ...g, languages: { '*': false, typescript: true } }) ?? 'none', /none/);
    assert.match(completionBlockedReason({ ...g, relPath: '.env' }) ?? '', /secrets/);
    assert.match(completionBlockedReason({ ...g, sizeBytes: 1000 }) ?? '', /larger/);
  });
});

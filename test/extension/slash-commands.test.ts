import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseSlash, slashSuggestions, SLASH_COMMANDS } from '../../extension/chat/slash-commands';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };

describe('chat slash commands', () => {
  it('each runs a command the extension contributes', () => {
    const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const c of SLASH_COMMANDS) assert.ok(contributed.has(c.command), `/${c.name} runs ${c.command}, which package.json does not contribute`);
    assert.deepEqual(SLASH_COMMANDS.map((c) => c.name).sort(), ['doc', 'edit', 'explain', 'fix', 'tests']);
  });

  it('reads a command and its argument only at the start of the input', () => {
    const p = parseSlash('  /edit   use early returns\nand const ');
    assert.equal(p.kind, 'command');
    if (p.kind === 'command') {
      assert.equal(p.slash.command, 'hearth.editSelection');
      assert.equal(p.argument, 'use early returns\nand const');
    }
    const doc = parseSlash('/DOC');
    assert.ok(doc.kind === 'command' && doc.slash.name === 'doc' && doc.argument === '');
    const explain = parseSlash('/explain');
    assert.ok(explain.kind === 'command' && explain.argument === '');
    for (const question of ['why does /fix fail?', '/etc/hosts is missing', 'a/b', '/', '/ explain', '//explain', '/explain/now']) {
      assert.equal(parseSlash(question).kind, 'none', question);
    }
  });

  it('refuses an unknown command, a missing required argument and an argument where none is taken, each with the reason', () => {
    const unknown = parseSlash('/refactor this');
    assert.ok(unknown.kind === 'error' && /\/refactor is not a Hearth command/.test(unknown.message) && /\/explain, \/fix, \/tests, \/doc, \/edit/.test(unknown.message), JSON.stringify(unknown));
    const bare = parseSlash('/edit');
    assert.ok(bare.kind === 'error' && /\/edit needs how to change it/.test(bare.message), JSON.stringify(bare));
    const extra = parseSlash('/tests with jest');
    assert.ok(extra.kind === 'error' && /\/tests takes nothing after it/.test(extra.message), JSON.stringify(extra));
  });

  it('suggests the commands matching the typed prefix, to replace the input from its start', () => {
    assert.deepEqual(slashSuggestions('/').map((s) => s.label), SLASH_COMMANDS.map((c) => `/${c.name}`));
    const e = slashSuggestions('/e');
    assert.deepEqual(e.map((s) => s.label), ['/explain', '/edit']);
    assert.deepEqual(e.map((s) => [s.insert, s.from]), [['/explain ', 0], ['/edit ', 0]]);
    assert.match(e[1].detail, /then how to change it/);
    assert.deepEqual(slashSuggestions('/x'), []);
    assert.deepEqual(slashSuggestions('/edit '), [], 'no suggestion once the name is typed');
    assert.deepEqual(slashSuggestions('why /e'), []);
  });
});

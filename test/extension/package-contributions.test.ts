/**
 * package.json's contributions hang together: every walkthrough step's media
 * file exists and every command it links is one VS Code will find, the
 * first-run code opens a walkthrough that exists, the SCM button names a
 * contributed command, and no two keybindings share a key and a when clause
 * (on any platform).
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { WALKTHROUGH_ID } from '../../extension/ui/first-run';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

interface Keybinding { command: string; key: string; mac?: string; linux?: string; win?: string; when?: string }
interface Step { id: string; title: string; description: string; media: Record<string, unknown> }

/** Commands VS Code knows from this manifest: those contributed, and each view's generated `<id>.focus`. */
function knownCommands(): Set<string> {
  const ids = new Set<string>(contributes.commands.map((c: { command: string }) => c.command));
  for (const views of Object.values(contributes.views ?? {}) as { id: string }[][]) for (const v of views) ids.add(`${v.id}.focus`);
  return ids;
}

const commandLinks = (text: string): string[] => [...text.matchAll(/\(command:([\w.-]+)[^)]*\)/g)].map((m) => m[1]);

describe('package.json contributions', () => {
  const walkthroughs = contributes.walkthroughs as { id: string; steps: Step[] }[];

  it('has a walkthrough, the one first run opens', () => {
    assert.ok(walkthroughs.length >= 1);
    assert.equal(WALKTHROUGH_ID, `${pkg.publisher}.${pkg.name}#${walkthroughs[0].id}`);
  });

  it('every walkthrough step has an existing media file and links only known commands', () => {
    const known = knownCommands();
    for (const w of walkthroughs) {
      for (const step of w.steps) {
        const files = Object.values(step.media).filter((v): v is string => typeof v === 'string');
        assert.ok(files.length > 0, `step ${step.id} has no media`);
        for (const f of files) assert.ok(fs.existsSync(path.join(ROOT, f)), `step ${step.id}: ${f} is missing`);
        const links = commandLinks(step.description);
        assert.ok(links.length > 0, `step ${step.id} links no command`);
        for (const c of links) assert.ok(known.has(c), `step ${step.id} links ${c}, which is not contributed`);
      }
    }
  });

  it('the walkthrough media ships in the VSIX (.vscodeignore keeps media/)', () => {
    assert.match(fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), /^!media\/\*\*$/m);
  });

  it('the Source Control button is a contributed command with an icon, shown for git', () => {
    const items = contributes.menus['scm/title'] as { command: string; when: string }[];
    const item = items.find((i) => i.command === 'hearth.generateCommitMessage');
    assert.ok(item);
    assert.equal(item.when, 'scmProvider == git');
    const cmd = contributes.commands.find((c: { command: string }) => c.command === item.command);
    assert.ok(cmd?.icon, 'the title bar button needs an icon');
  });

  it('no two keybindings share a key and a when clause on any platform', () => {
    const bindings = contributes.keybindings as Keybinding[];
    for (const platform of ['linux', 'win', 'mac'] as const) {
      const seen = new Map<string, string>();
      for (const b of bindings) {
        const key = (b[platform] ?? b.key).toLowerCase().split('+').sort().join('+');
        const id = `${key} when ${b.when ?? ''}`;
        assert.ok(!seen.has(id), `${platform}: ${b.command} and ${seen.get(id)} both use ${id}`);
        seen.set(id, b.command);
      }
    }
  });

  it('Hearth keybindings name known commands', () => {
    const known = knownCommands();
    for (const b of contributes.keybindings as Keybinding[]) {
      if (b.command.startsWith('hearth.')) assert.ok(known.has(b.command), `${b.command} is not contributed`);
    }
  });

  it('every contributed command, and every command a menu shows, is registered by the extension', () => {
    const sources = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
    const texts = sources(path.join(ROOT, 'extension')).map((f) => fs.readFileSync(f, 'utf8'));
    // Ids given as a literal or as a constant (export const GENERATE_COMMIT_MESSAGE = 'hearth....').
    const constants = new Map(texts.flatMap((t) => [...t.matchAll(/const ([A-Z_]+) = '(hearth\.[\w.-]+)'/g)].map((m) => [m[1], m[2]] as const)));
    const registered = new Set<string>();
    for (const t of texts) {
      for (const m of t.matchAll(/registerCommand\(\s*(?:'([\w.-]+)'|([A-Z_]+)\b)/g)) {
        const id = m[1] ?? constants.get(m[2]);
        if (id) registered.add(id);
      }
    }
    assert.ok(registered.has('hearth.newChat'), 'the scan finds registrations');
    for (const c of contributes.commands as { command: string }[]) assert.ok(registered.has(c.command), `${c.command} is contributed but never registered`);
    for (const items of Object.values(contributes.menus) as { command?: string }[][]) {
      for (const i of items) if (i.command?.startsWith('hearth.')) assert.ok(registered.has(i.command), `a menu shows ${i.command}, which is never registered`);
    }
  });
});

/**
 * CHANGELOG.md keeps the Keep a Changelog form (https://keepachangelog.com/en/1.1.0/):
 * `# Changelog`, an intro, `## [Unreleased]` first (it may be empty), then
 * `## [X.Y.Z] - YYYY-MM-DD` headings, newest first: versions strictly descending,
 * dates never rising. Each version's bullets sit under `### Added`, `### Changed`,
 * `### Deprecated`, `### Removed`, `### Fixed` or `### Security`; no released
 * version and no subsection is empty, no bullet appears twice, and the newest
 * version is package.json's.
 *
 * `changelogProblems` returns every problem found as a line of text, so a failure
 * names them all; the last cases feed it broken files to show each rule bites.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

const SUBSECTIONS = ['Added', 'Changed', 'Deprecated', 'Removed', 'Fixed', 'Security'];
const VERSION_HEADING = /^## \[(\d+)\.(\d+)\.(\d+)\] - (\d{4}-\d{2}-\d{2})$/;
const LINK_DEFINITION = /^\[[^\]]+\]: \S+$/;

interface Section {
  heading: string; // 'Unreleased' or the version
  line: number;
  date?: string;
  semver?: [number, number, number];
  bullets: number;
}

function validDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
}

function compareSemver(a: [number, number, number], b: [number, number, number]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** The newest released version in the file, or null when it has none. */
function newestVersion(text: string): string | null {
  for (const l of text.split('\n')) {
    const m = VERSION_HEADING.exec(l);
    if (m) return `${m[1]}.${m[2]}.${m[3]}`;
  }
  return null;
}

function changelogProblems(text: string, packageVersion: string): string[] {
  const problems: string[] = [];
  const lines = text.split('\n');
  if (lines[0] !== '# Changelog') problems.push(`line 1 is ${JSON.stringify(lines[0])}, not "# Changelog"`);

  const sections: Section[] = [];
  let section: Section | null = null;
  let subsection: { name: string; line: number; bullets: number } | null = null;
  let subsectionsSeen = new Set<string>();
  const bulletAt = new Map<string, number>();
  let linksStarted = false;

  const closeSubsection = () => {
    if (subsection && subsection.bullets === 0) problems.push(`line ${subsection.line}: "### ${subsection.name}" has no bullets`);
    subsection = null;
  };

  lines.forEach((l, i) => {
    const n = i + 1;
    if (i === 0 || l.trim() === '') return;
    if (linksStarted && !LINK_DEFINITION.test(l)) {
      problems.push(`line ${n}: text after the link definitions at the end`);
      return;
    }
    if (l.startsWith('## ')) {
      closeSubsection();
      subsectionsSeen = new Set();
      if (l === '## [Unreleased]') {
        if (sections.length > 0) problems.push(`line ${n}: "## [Unreleased]" is not the first version heading`);
        section = { heading: 'Unreleased', line: n, bullets: 0 };
      } else {
        const m = VERSION_HEADING.exec(l);
        if (!m) {
          problems.push(`line ${n}: ${JSON.stringify(l)} is neither "## [Unreleased]" nor "## [X.Y.Z] - YYYY-MM-DD"`);
          section = { heading: l.slice(3), line: n, bullets: 0 };
        } else {
          if (!validDate(m[4])) problems.push(`line ${n}: ${m[4]} is not a calendar date`);
          section = { heading: `${m[1]}.${m[2]}.${m[3]}`, line: n, date: m[4], semver: [Number(m[1]), Number(m[2]), Number(m[3])], bullets: 0 };
        }
        if (sections.length === 0) problems.push(`line ${n}: the first version heading is not "## [Unreleased]"`);
      }
      sections.push(section);
      return;
    }
    if (l.startsWith('### ')) {
      closeSubsection();
      const name = l.slice(4);
      if (!section) problems.push(`line ${n}: "${l}" comes before any version heading`);
      if (!SUBSECTIONS.includes(name)) problems.push(`line ${n}: "${l}" is not one of ${SUBSECTIONS.map((s) => `### ${s}`).join(', ')}`);
      else if (subsectionsSeen.has(name)) problems.push(`line ${n}: a second "${l}" in the same version`);
      subsectionsSeen.add(name);
      subsection = { name, line: n, bullets: 0 };
      return;
    }
    if (l.startsWith('#')) {
      problems.push(`line ${n}: heading ${JSON.stringify(l)} is not "# Changelog", a "## " version or a "### " subsection`);
      return;
    }
    if (l.startsWith('- ')) {
      if (!section) problems.push(`line ${n}: a bullet before any version heading`);
      else if (!subsection) problems.push(`line ${n}: a bullet directly under "## ${section.heading}", outside any "### " subsection`);
      const key = l.slice(2).trim();
      const seen = bulletAt.get(key);
      if (seen !== undefined) problems.push(`line ${n}: the bullet of line ${seen} again`);
      else bulletAt.set(key, n);
      if (section) section.bullets++;
      if (subsection) subsection.bullets++;
      return;
    }
    if (/^\s/.test(l) && (subsection?.bullets ?? 0) > 0) return; // a bullet's continuation line
    if (!section) return; // the intro
    if (LINK_DEFINITION.test(l)) {
      closeSubsection();
      linksStarted = true;
      return;
    }
    problems.push(`line ${n}: stray text under "## ${section.heading}": ${JSON.stringify(l.slice(0, 60))}`);
  });
  closeSubsection();

  if (sections.length === 0 || sections[0].heading !== 'Unreleased') problems.push('no "## [Unreleased]" heading at the top');
  const released = sections.filter((s) => s.semver);
  for (const s of sections) {
    if (s.heading !== 'Unreleased' && s.bullets === 0) problems.push(`line ${s.line}: version ${s.heading} has no bullets`);
  }
  for (let i = 1; i < released.length; i++) {
    const [newer, older] = [released[i - 1], released[i]];
    if (compareSemver(newer.semver!, older.semver!) <= 0) {
      problems.push(`line ${older.line}: ${older.heading} follows ${newer.heading}; versions must strictly descend`);
    }
    if (older.date! > newer.date!) problems.push(`line ${older.line}: ${older.heading}'s date ${older.date} is after ${newer.heading}'s ${newer.date}`);
  }
  if (released.length === 0) problems.push('no released version');
  else if (released[0].heading !== packageVersion) {
    problems.push(`the newest version, ${released[0].heading}, is not package.json's version ${packageVersion}`);
  }
  return problems;
}

describe('structure: CHANGELOG.md (Keep a Changelog)', () => {
  const text = fs.readFileSync(path.join(ROOT, 'CHANGELOG.md'), 'utf8');
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };

  it('has the form, descending versions and dates, no empty section and no duplicate bullet', () => {
    assert.deepEqual(changelogProblems(text, pkg.version), []);
  });

  it("names package.json's version as its newest release", () => {
    assert.equal(newestVersion(text), pkg.version);
  });

  describe('rejects', () => {
    const good = [
      '# Changelog', '', 'Intro.', '', '## [Unreleased]', '',
      '## [0.2.0] - 2026-11-29', '', '### Added', '', '- b', '', '### Fixed', '', '- c', '',
      '## [0.1.0] - 2026-11-22', '', '### Added', '', '- a', '',
    ];
    const check = (ls: string[]) => changelogProblems(ls.join('\n'), '0.2.0');
    const edited = (f: (ls: string[]) => void) => {
      const ls = [...good];
      f(ls);
      return check(ls);
    };
    const rejects = (problems: string[], pattern: RegExp) => {
      assert.ok(problems.some((p) => pattern.test(p)), `expected a problem matching ${pattern}, got ${JSON.stringify(problems)}`);
    };

    it('nothing in the well-formed sample', () => assert.deepEqual(check(good), []));
    it('another first line', () => rejects(edited((ls) => (ls[0] = '# Change log')), /not "# Changelog"/));
    it('a missing or late Unreleased', () => {
      rejects(edited((ls) => ls.splice(4, 2)), /first version heading is not "## \[Unreleased\]"/);
      rejects(edited((ls) => ls.push('## [Unreleased]')), /is not the first version heading/);
    });
    it('versions out of order', () => rejects(edited((ls) => (ls[16] = '## [0.3.0] - 2026-11-22')), /must strictly descend/));
    it('a repeated version', () => rejects(edited((ls) => (ls[16] = '## [0.2.0] - 2026-11-22')), /must strictly descend/));
    it('a date later than the newer version', () => rejects(edited((ls) => (ls[16] = '## [0.1.0] - 2026-11-30')), /is after/));
    it('a date that is not ISO or not a date', () => {
      rejects(edited((ls) => (ls[16] = '## [0.1.0] - 22.11.2026')), /neither/);
      rejects(edited((ls) => (ls[16] = '## [0.1.0] - 2026-02-30')), /not a calendar date/);
    });
    it('an unknown subsection', () => rejects(edited((ls) => (ls[8] = '### New')), /is not one of/));
    it('a subsection twice in one version', () => rejects(edited((ls) => (ls[12] = '### Added')), /a second "### Added"/));
    it('an empty version', () => rejects(edited((ls) => ls.splice(18, 3)), /version 0\.1\.0 has no bullets/));
    it('an empty subsection', () => rejects(edited((ls) => ls.splice(14, 1)), /"### Fixed" has no bullets/));
    it('a bullet outside a subsection', () => rejects(edited((ls) => ls.splice(6, 0, '- loose')), /outside any "### " subsection/));
    it('a duplicate bullet', () => rejects(edited((ls) => (ls[20] = '- b')), /the bullet of line 11 again/));
    it("a newest version other than package.json's", () => rejects(changelogProblems(good.join('\n'), '0.3.0'), /not package.json's version 0\.3\.0/));
  });
});

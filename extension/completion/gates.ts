/**
 * Where completions must not run: secrets, huge files, files.exclude globs.
 * Pure: the provider passes in paths, sizes and the glob settings.
 */
import * as path from 'path';

/** Files that usually hold secrets, matched on the base name. */
const SECRET_PATTERNS: RegExp[] = [
  /^\.env(\..*)?$/i,
  /\.(pem|key|p12|pfx|jks|keystore|crt|cer|der|asc|gpg|kdbx)$/i,
  /^id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/i,
  /^\.(netrc|npmrc|pypirc|pgpass)$/i,
  /^credentials(\.json)?$/i,
  /secrets?\.(json|ya?ml|toml)$/i,
];

export function isSecretFile(filePath: string): boolean {
  const base = path.basename(filePath);
  return SECRET_PATTERNS.some((r) => r.test(base));
}

/** A glob as VS Code's files.exclude writes them (**, *, ?, {a,b}), as a RegExp over '/' paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') re += '(?:';
    else if (c === '}') re += ')';
    else if (c === ',') re += glob.slice(0, i).lastIndexOf('{') > glob.slice(0, i).lastIndexOf('}') ? '|' : ',';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** files.exclude: { glob: true } entries, matched against a workspace-relative path and its parent folders. */
export function isExcluded(relPath: string, excludes: Record<string, unknown>): boolean {
  const p = relPath.split(path.sep).join('/');
  const parts = p.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  for (const [glob, on] of Object.entries(excludes)) {
    if (on !== true) continue;
    const re = globToRegExp(glob);
    if (candidates.some((c) => re.test(c))) return true;
  }
  return false;
}

export interface GateInput {
  relPath: string;
  sizeBytes: number;
  maxFileBytes: number;
  excludes: Record<string, unknown>;
  languageId: string;
  /** hearth.completion.enabled */
  enabled: boolean;
  /** hearth.completion.languages: { "markdown": false, "*": true } */
  languages: Record<string, boolean>;
}

/** Why completions are off here, or null when they may run. */
export function completionBlockedReason(g: GateInput): string | null {
  if (!g.enabled) return 'completions are turned off';
  const perLang = g.languages[g.languageId] ?? g.languages['*'] ?? true;
  if (!perLang) return `completions are turned off for ${g.languageId}`;
  if (isSecretFile(g.relPath)) return 'this file may hold secrets';
  if (g.sizeBytes > g.maxFileBytes) return 'this file is larger than hearth.completion.maxFileKB';
  if (isExcluded(g.relPath, g.excludes)) return 'this file is excluded by files.exclude';
  return null;
}

/**
 * Finds model files on this machine without any network: Ollama's store
 * (manifests -> blobs), LM Studio's folders, llama.cpp's cache, the Hugging
 * Face hub cache, ~/models, the workspace folders, and .llamafile files.
 * Roots come in as arguments so tests can point it at fixture folders.
 */
import * as fs from 'fs';
import * as path from 'path';

export type ModelSource = 'setting' | 'ollama' | 'lmstudio' | 'llama.cpp' | 'huggingface' | 'models-folder' | 'workspace';

export interface DiscoveredModel {
  path: string;
  /** A short human name: Ollama's name:tag, the HF repo, or the file name. */
  label: string;
  source: ModelSource;
  format: 'gguf' | 'llamafile';
  sizeBytes: number;
}

export interface DiscoveryRoots {
  home: string;
  env: NodeJS.ProcessEnv;
  workspaceFolders: string[];
  /** Stop after this many files (a home folder can be big). */
  limit?: number;
}

const OLLAMA_MODEL_MEDIA = 'application/vnd.ollama.image.model';

function isFile(p: string): fs.Stats | null {
  try {
    const st = fs.statSync(p);
    return st.isFile() ? st : null;
  } catch {
    return null;
  }
}

function listDir(p: string): fs.Dirent[] {
  try {
    return fs.readdirSync(p, { withFileTypes: true });
  } catch {
    return [];
  }
}

function formatOf(file: string): 'gguf' | 'llamafile' | null {
  if (/\.gguf$/i.test(file)) return 'gguf';
  if (/\.llamafile$/i.test(file)) return 'llamafile';
  return null;
}

/** *.gguf / *.llamafile under dir, at most `depth` folders down, skipping dot and node_modules folders. */
export function walkModelFiles(dir: string, depth: number, out: string[] = [], limit = 500): string[] {
  for (const ent of listDir(dir)) {
    if (out.length >= limit) break;
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) {
      if (depth > 0 && !ent.name.startsWith('.') && ent.name !== 'node_modules') walkModelFiles(p, depth - 1, out, limit);
    } else if ((ent.isFile() || ent.isSymbolicLink()) && formatOf(ent.name)) out.push(p);
  }
  return out;
}

/** Ollama: manifests/<host>/<namespace>/<model>/<tag> JSON; the model layer's digest names blobs/sha256-<hex>. */
export function discoverOllama(ollamaModels: string): DiscoveredModel[] {
  const found: DiscoveredModel[] = [];
  const manifests = path.join(ollamaModels, 'manifests');
  const walk = (dir: string, parts: string[]): void => {
    for (const ent of listDir(dir)) {
      const p = path.join(dir, ent.name);
      if (ent.isDirectory()) walk(p, [...parts, ent.name]);
      else if (ent.isFile()) {
        let manifest: { layers?: { mediaType?: string; digest?: string; size?: number }[] };
        try {
          manifest = JSON.parse(fs.readFileSync(p, 'utf8'));
        } catch {
          continue;
        }
        const layer = manifest.layers?.find((l) => l.mediaType === OLLAMA_MODEL_MEDIA);
        if (!layer?.digest || !/^sha256:[0-9a-f]{64}$/.test(layer.digest)) continue;
        const blob = path.join(ollamaModels, 'blobs', layer.digest.replace(':', '-'));
        const st = isFile(blob);
        if (!st) continue;
        // parts = [host, namespace, model]; 'library' is Ollama's default namespace.
        const model = parts[parts.length - 1] ?? '?';
        const ns = parts[parts.length - 2];
        const label = `${ns && ns !== 'library' ? ns + '/' : ''}${model}:${ent.name}`;
        found.push({ path: blob, label, source: 'ollama', format: 'gguf', sizeBytes: st.size });
      }
    }
  };
  walk(manifests, []);
  return found;
}

/** Hugging Face hub cache: models--<org>--<name>/snapshots/<rev>/**.gguf */
export function discoverHuggingFace(hubCache: string): DiscoveredModel[] {
  const found: DiscoveredModel[] = [];
  for (const repo of listDir(hubCache)) {
    if (!repo.isDirectory() || !repo.name.startsWith('models--')) continue;
    const repoName = repo.name.slice('models--'.length).split('--').join('/');
    for (const snap of listDir(path.join(hubCache, repo.name, 'snapshots'))) {
      for (const file of walkModelFiles(path.join(hubCache, repo.name, 'snapshots', snap.name), 3)) {
        const st = isFile(file);
        if (st) found.push({ path: file, label: `${repoName}/${path.basename(file)}`, source: 'huggingface', format: formatOf(file) ?? 'gguf', sizeBytes: st.size });
      }
    }
  }
  return found;
}

function fromFiles(files: string[], source: ModelSource, base?: string): DiscoveredModel[] {
  const out: DiscoveredModel[] = [];
  for (const f of files) {
    const st = isFile(f);
    if (!st || st.size === 0) continue;
    out.push({ path: f, label: base ? path.relative(base, f) : path.basename(f), source, format: formatOf(f) ?? 'gguf', sizeBytes: st.size });
  }
  return out;
}

export function discoverModels(roots: DiscoveryRoots): DiscoveredModel[] {
  const { home, env } = roots;
  const limit = roots.limit ?? 500;
  const all: DiscoveredModel[] = [];
  all.push(...discoverOllama(env.OLLAMA_MODELS ?? path.join(home, '.ollama', 'models')));
  for (const dir of [path.join(home, '.lmstudio', 'models'), path.join(home, '.cache', 'lm-studio', 'models')]) {
    all.push(...fromFiles(walkModelFiles(dir, 3, [], limit), 'lmstudio', dir));
  }
  const llamaCache = env.LLAMA_CACHE ?? path.join(env.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'llama.cpp');
  all.push(...fromFiles(walkModelFiles(llamaCache, 1, [], limit), 'llama.cpp'));
  const hfHome = env.HF_HOME ?? path.join(env.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'huggingface');
  all.push(...discoverHuggingFace(env.HF_HUB_CACHE ?? path.join(hfHome, 'hub')));
  all.push(...fromFiles(walkModelFiles(path.join(home, 'models'), 3, [], limit), 'models-folder', path.join(home, 'models')));
  for (const ws of roots.workspaceFolders) all.push(...fromFiles(walkModelFiles(ws, 3, [], limit), 'workspace', ws));
  // The same blob can be reachable twice (symlinks, two Ollama tags).
  const seen = new Set<string>();
  return all
    .filter((m) => {
      let real = m.path;
      try {
        real = fs.realpathSync(m.path);
      } catch {
        // keep the path as is
      }
      if (seen.has(real)) return false;
      seen.add(real);
      return true;
    })
    .slice(0, limit);
}

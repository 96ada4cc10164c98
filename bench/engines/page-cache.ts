/**
 * Cold-cache loads: drop a file's pages from the page cache. Node has no
 * posix_fadvise binding, so this runs GNU dd with iflag=nocache and count=0,
 * which calls posix_fadvise(POSIX_FADV_DONTNEED) over the whole file and
 * copies nothing. Pages still mapped by a live process stay resident; the
 * children have exited by then. fincore (util-linux), where present, says how
 * much was left resident.
 */
import { spawnSync } from 'child_process';

export const EVICTION_METHOD = 'dd if=FILE iflag=nocache count=0 (posix_fadvise DONTNEED)';

export function evictFromPageCache(file: string): boolean {
  const r = spawnSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none'], { encoding: 'utf8' });
  return r.status === 0;
}

/** Resident bytes of the file per fincore, or null where fincore is missing. */
export function residentBytes(file: string): number | null {
  const r = spawnSync('fincore', ['--bytes', '--noheadings', '--raw', '--output', 'RES', file], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const n = Number(r.stdout.trim());
  return Number.isFinite(n) ? n : null;
}

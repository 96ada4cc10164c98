/** Sizes and counts as the CLI prints them (`hearth inspect`, `hearth inspect --devices`). */

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

export function formatCount(n: number): string {
  const scaled: [number, string][] = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']];
  for (const [div, suffix] of scaled) {
    if (n >= div) return `${(n / div).toFixed(n / div < 10 ? 2 : 1)}${suffix} (${n.toLocaleString('en-US')})`;
  }
  return String(n);
}

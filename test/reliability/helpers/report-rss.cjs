// Preloaded (node -r) into hostile-model child processes: reports the
// process's peak RSS on stderr as it exits, so the parent can bound the
// memory a hostile file made the engine take. A process killed by a signal
// prints nothing, and the parent reports the signal instead.
//
// The peak is VmHWM from /proc/self/status, the high-water mark of this
// process's own memory map. Not getrusage's ru_maxrss (resourceUsage().maxRSS):
// Linux carries that over exec from the image that forked, so a child of a
// 500 MiB test runner would report 500 MiB whatever it did itself.
'use strict';
const fs = require('fs');
function peakKb() {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // not Linux: fall back below
  }
  return process.resourceUsage().maxRSS;
}
process.on('exit', () => {
  process.stderr.write(`\nHEARTH_MAX_RSS_KB=${peakKb()}\n`);
});

// Preloaded (node -r) into hostile-model child processes: reports the
// process's peak RSS on stderr as it exits, so the parent can bound the
// memory a hostile file made the engine take. A process killed by a signal
// prints nothing, and the parent reports the signal instead.
'use strict';
process.on('exit', () => {
  process.stderr.write(`\nHEARTH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\n`);
});

#!/usr/bin/env node
// The npm registry reachable here lacks node-llama-cpp's prebuilt packages for
// platforms other than Linux x64/arm64/armv7l, so npm leaves them out of
// package-lock.json and `npm ci` then refuses the lock as out of sync. This
// adds lock entries for them, marked optional with their os/cpu, so that
// `npm ci` skips them as foreign platforms without fetching anything.
// Run after any `npm install` that rewrites the lock.
'use strict';
const fs = require('fs');
const path = require('path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
const parent = lock.packages['node_modules/node-llama-cpp'];
if (!parent) process.exit(0);

const PLATFORM = {
  'linux-riscv64': { os: ['linux'], cpu: ['riscv64'] },
  'mac-arm64-metal': { os: ['darwin'], cpu: ['arm64', 'x64'] },
  'mac-x64': { os: ['darwin'], cpu: ['x64'] },
  'win-arm64': { os: ['win32'], cpu: ['arm64', 'x64'] },
  'win-x64': { os: ['win32'], cpu: ['x64'] },
  'win-x64-cuda': { os: ['win32'], cpu: ['x64'] },
  'win-x64-cuda-ext': { os: ['win32'], cpu: ['x64'] },
  'win-x64-vulkan': { os: ['win32'], cpu: ['x64'] },
};

let added = 0;
for (const [name, version] of Object.entries(parent.optionalDependencies ?? {})) {
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  const plat = PLATFORM[name.replace('@node-llama-cpp/', '')];
  if (!plat) throw new Error(`no platform known for ${name}: add it to ${__filename}`);
  lock.packages[key] = { version, dev: true, optional: true, os: plat.os, cpu: plat.cpu };
  added++;
}
// npm keeps its own order and does not care where these sit.
if (added > 0) fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
console.log(`lock-fill-platforms: added ${added} entries`);

#!/usr/bin/env node
// Answers binding.gyp's questions about the CUDA toolkit at configure time:
//   enabled -> 1 when nvcc is found and HEARTH_CUDA is not "0", else 0
//   nvcc    -> the nvcc path
//   lib     -> the directory holding libcudart_static.a
//   gencode -> the -gencode flags: HEARTH_CUDA_ARCHS (e.g. "75,86,90") or the
//              full list sm_75..sm_120 + PTX ("fat", npm run prebuild:cuda);
//              the default ("ci") is one SASS (sm_75) + PTX, which any newer
//              GPU JIT-compiles, because each arch costs compile time on CI.
'use strict';
const fs = require('fs');
const path = require('path');

function findNvcc() {
  const candidates = [];
  if (process.env.CUDA_HOME) candidates.push(path.join(process.env.CUDA_HOME, 'bin', 'nvcc'));
  for (const dir of (process.env.PATH || '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, 'nvcc'));
  candidates.push('/usr/local/cuda/bin/nvcc');
  return candidates.find((p) => { try { fs.accessSync(p, fs.constants.X_OK); return true; } catch { return false; } });
}

function cudaRoot(nvcc) {
  // nvcc may be a wrapper script on PATH: prefer CUDA_HOME, then the standard place.
  const roots = [process.env.CUDA_HOME, path.dirname(path.dirname(fs.realpathSync(nvcc))), '/usr/local/cuda'];
  return roots.find((r) => r && ['lib64', 'lib'].some((d) => fs.existsSync(path.join(r, d, 'libcudart_static.a')))) || '/usr/local/cuda';
}

const what = process.argv[2];
const nvcc = process.env.HEARTH_CUDA === '0' ? undefined : findNvcc();
if (what === 'enabled') {
  const root = nvcc && cudaRoot(nvcc);
  const ok = root && ['lib64', 'lib'].some((d) => fs.existsSync(path.join(root, d, 'libcudart_static.a')));
  process.stdout.write(ok ? '1' : '0');
} else if (what === 'nvcc') {
  process.stdout.write(nvcc || 'nvcc');
} else if (what === 'lib') {
  const root = nvcc ? cudaRoot(nvcc) : '/usr/local/cuda';
  process.stdout.write(fs.existsSync(path.join(root, 'lib64')) ? path.join(root, 'lib64') : path.join(root, 'lib'));
} else if (what === 'gencode') {
  const fat = ['75', '80', '86', '89', '90', '100', '120'];
  const spec = process.env.HEARTH_CUDA_ARCHS || 'ci';
  const archs = spec === 'fat' ? fat : spec === 'ci' ? ['75'] : spec.split(',').map((s) => s.trim()).filter(Boolean);
  const flags = archs.map((a) => `-gencode=arch=compute_${a},code=sm_${a}`);
  // PTX of the newest listed arch (JIT for GPUs newer than any SASS) and of the oldest (safety net).
  const newest = archs[archs.length - 1], oldest = archs[0];
  flags.push(`-gencode=arch=compute_${newest},code=compute_${newest}`);
  if (oldest !== newest) flags.push(`-gencode=arch=compute_${oldest},code=compute_${oldest}`);
  process.stdout.write(flags.join(' '));
} else {
  process.stderr.write('usage: gyp-cuda.js enabled|nvcc|lib|gencode\n');
  process.exit(2);
}

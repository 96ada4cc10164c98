// Prints 1 when the Vulkan backend can be built here (glslc compiles our
// shaders and the Vulkan headers exist), else 0; HEARTH_VULKAN=0 forces it off. Read by
// native/gyp/vulkan.gypi at configure time.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
if (process.env.HEARTH_VULKAN === '0') { process.stdout.write('0'); process.exit(0); }
const glslc = spawnSync(process.env.GLSLC || 'glslc', ['--version'], { stdio: 'ignore' });
const headers = ['/usr/include/vulkan/vulkan.h', '/usr/local/include/vulkan/vulkan.h'].some((p) => fs.existsSync(p));
// The glslc must also compile our most demanding variant (8-bit storage +
// subgroup arithmetic); an older one would fail the build instead.
let compiles = false;
if (glslc.status === 0 && headers) {
  const path = require('path');
  const r = spawnSync(process.env.GLSLC || 'glslc', ['--target-env=vulkan1.1', '-fshader-stage=compute', '-I', __dirname,
    '-DFMT_Q6_K', '-DUSE_8BIT', '-DUSE_SUBGROUP', '-o', '-', path.join(__dirname, 'matmul.comp')], { stdio: ['ignore', 'ignore', 'ignore'] });
  compiles = r.status === 0;
}
process.stdout.write(compiles ? '1' : '0');

// Prints 1 when the Vulkan backend can be built here (glslc runs and the
// Vulkan headers exist), else 0; HEARTH_VULKAN=0 forces it off. Read by
// native/gyp/vulkan.gypi at configure time.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
if (process.env.HEARTH_VULKAN === '0') { process.stdout.write('0'); process.exit(0); }
const glslc = spawnSync(process.env.GLSLC || 'glslc', ['--version'], { stdio: 'ignore' });
const headers = ['/usr/include/vulkan/vulkan.h', '/usr/local/include/vulkan/vulkan.h'].some((p) => fs.existsSync(p));
process.stdout.write(glslc.status === 0 && headers ? '1' : '0');

# The CUDA backend (native/src/backend/cuda/), built only where nvcc is found
# (binding.gyp's hearth_cuda variable; HEARTH_CUDA=0 turns it off). Kernels
# compile with nvcc through the rule below into a companion library,
# build/Release/hearth_cuda.so, which prebuildify copies next to hearth.node.
# It links the static cudart (which opens libcuda.so.1 at run time, so it
# loads, and says "CUDA driver not found", without a driver); hearth.node
# opens it at first use (src/backend/cuda-loader.cpp), so the addon's own
# glibc floor stays where the CUDA runtime's (2.34) would raise it.
#
# Architectures: HEARTH_CUDA_ARCHS=fat (sm_75..sm_120 SASS + PTX, what
# `npm run prebuild:cuda` ships) or a list like "86,90"; the default is sm_75
# SASS + PTX (JIT on newer GPUs), to keep CI's 2-core compile short.
{
  "conditions": [
    ["hearth_cuda==1", {
      "targets": [
        {
          "target_name": "hearth_cuda",
          # A shared library, not a loadable_module: node-gyp names those
          # *.node, and prebuildify and node-gyp-build would take it for the addon.
          "type": "shared_library",
          "product_prefix": "",
          "product_extension": "so",
          "product_dir": "<(PRODUCT_DIR)",
          "cflags": ["-fPIC"],
          "variables": {
            "nvcc": "<!(node <(DEPTH)/scripts/gyp-cuda.js nvcc)",
            "cuda_lib": "<!(node <(DEPTH)/scripts/gyp-cuda.js lib)",
            "cuda_gencode": "<!(node <(DEPTH)/scripts/gyp-cuda.js gencode)"
          },
          "sources": [
            "../src/backend/cuda/matmul.cu",
            "../src/backend/cuda/ops.cu",
            "../src/backend/cuda/attention.cu",
            "../src/backend/cuda/cuda-backend.cu"
          ],
          "rules": [
            {
              "rule_name": "nvcc",
              "extension": "cu",
              "inputs": ["../src/backend/cuda/cuda-kernels.h", "../src/backend/backend.h"],
              "outputs": ["<(INTERMEDIATE_DIR)/<(RULE_INPUT_ROOT).cu.o"],
              "action": [
                "sh", "-c", "<(nvcc) -O3 -std=c++17 -Xcompiler -fPIC <(cuda_gencode) -I<(DEPTH)/native/src -c <(RULE_INPUT_PATH) -o <(INTERMEDIATE_DIR)/<(RULE_INPUT_ROOT).cu.o"
              ],
              "message": "NVCC <(RULE_INPUT_PATH)",
              "process_outputs_as_sources": 1
            }
          ],
          "link_settings": {
            "libraries": ["-L<(cuda_lib)", "-lcudart_static", "-ldl", "-lrt", "-lpthread", "-Wl,--exclude-libs,ALL", "-Wl,-z,defs"]
          }
        }
      ]
    }]
  ]
}

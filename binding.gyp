# Two addons over the same engine libraries: hearth.node, what ships (the
# prebuilds, the VSIX), and hearth_testing.addon, the test and bench hooks
# (kernels by level, Vulkan ops and stages), which never ships. Each engine
# module keeps its sources and flags in its own .gypi under native/gyp/ so
# that modules can grow without touching here.
# Never -march=native: per-ISA objects get their own flags (native/gyp/cpu.gypi).
{
  "variables": {
    # 1 when nvcc is found (HEARTH_CUDA=0 in the environment turns it off): see scripts/gyp-cuda.js.
    "hearth_cuda%": "<!(node scripts/gyp-cuda.js enabled)"
  },
  "target_defaults": {
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc": ["-std=c++17", "-O2", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter"],
    "cflags": ["-O2"],
    "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native/src", "native"],
    "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1 } },
    "xcode_settings": { "GCC_ENABLE_CPP_EXCEPTIONS": "YES", "CLANG_CXX_LANGUAGE_STANDARD": "c++17" }
  },
  "includes": [
    "native/gyp/core.gypi",
    "native/gyp/cpu.gypi",
    "native/gyp/tokenizer.gypi",
    "native/gyp/backend.gypi",
    "native/gyp/model.gypi",
    "native/gyp/engine.gypi",
    "native/gyp/capi.gypi",
    "native/gyp/cuda.gypi",
    "native/gyp/vulkan.gypi",
    "native/gyp/platform.gypi"
  ],
  "targets": [
    {
      "target_name": "hearth",
      # The binding calls the engine through hearth.h only (hearth_capi);
      # the libraries after it are what that library needs at link time.
      "dependencies": ["hearth_capi", "hearth_engine", "hearth_model", "hearth_backend", "hearth_vulkan", "hearth_tokenizer", "hearth_cpu", "hearth_core"],
      "include_dirs": ["native/include"],
      "conditions": [
        # Not a dependency: hearth.node opens the CUDA companion at run time.
        ["hearth_cuda==1", { "libraries": ["-ldl"] }]
      ],
      "sources": [
        "native/napi/addon.cpp",
        "native/napi/errors.cpp",
        "native/napi/catch-current.cpp",
        "native/napi/js-gguf.cpp",
        "native/napi/js-tokenizer.cpp",
        "native/napi/js-model.cpp",
        "native/napi/js-backend.cpp",
        "native/napi/js-session.cpp",
        "native/napi/js-quantize.cpp"
      ]
    },
    {
      # build/Release/hearth_testing.addon: the same libraries as hearth, so
      # the hooks run the code the product runs. Not named *.node, because
      # prebuildify packs, and node-gyp-build loads, the first *.node in
      # build/Release (after prebuildify moves hearth.node out, this would be
      # it). test/helpers/testing-binding.ts opens it with process.dlopen.
      "target_name": "hearth_testing",
      # As a target condition: node-gyp's addon.gypi sets .node as one too.
      "target_conditions": [["1==1", { "product_extension": "addon" }]],
      "dependencies": ["hearth_capi", "hearth_engine", "hearth_model", "hearth_backend", "hearth_vulkan", "hearth_tokenizer", "hearth_cpu", "hearth_core"],
      "include_dirs": ["native/include"],
      "conditions": [
        ["hearth_cuda==1", { "libraries": ["-ldl"] }]
      ],
      "sources": [
        "native/napi/testing-addon.cpp",
        "native/napi/errors.cpp",
        "native/napi/testing-catch-current.cpp",
        "native/napi/js-cpu.cpp",
        "native/napi/js-sampler.cpp",
        "native/napi/js-utf8-stream.cpp",
        "native/napi/js-vulkan.cpp"
      ]
    }
  ]
}

# Compute backends: the backend registry and layer placement, the CPU backend
# (whose decoder-layer code the model's CPU path runs too) and the stubs or
# loaders of backends not built in (the CUDA backend itself: cuda.gypi; the
# Vulkan backend: vulkan.gypi). Below the model: nothing here includes model/
# or engine/, and the link order (model before backend) turns such an
# include's symbols into a link error.
{
  "targets": [
    {
      "target_name": "hearth_backend",
      "type": "static_library",
      "cflags": ["-fPIC"],
      "cflags_cc": ["-fPIC"],
      "dependencies": ["hearth_vulkan", "hearth_cpu", "hearth_core"],
      "sources": [
        "../src/backend/registry.cpp",
        "../src/backend/placement.cpp",
        "../src/backend/unavailable-backend.cpp",
        "../src/backend/cpu/cpu-backend.cpp",
        "../src/backend/cpu/decoder-layer.cpp",
        "../src/backend/cpu/moe-ffn.cpp"
      ],
      "conditions": [
        ["hearth_cuda==0", { "sources": ["../src/backend/cuda-stub.cpp"] }],
        ["hearth_cuda==1", { "sources": ["../src/backend/cuda-loader.cpp"], "defines": ["HEARTH_CUDA_BUILT=1"] }]
      ]
    }
  ]
}

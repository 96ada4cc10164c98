# Vulkan backend: host code loads libvulkan.so.1 with dlopen (no link
# dependency); compute shaders are compiled to SPIR-V by glslc at build time
# and embedded as a generated header. Where glslc or the Vulkan headers are
# missing (or HEARTH_VULKAN=0), only a stub is built whose probe says
# "Vulkan: not built".
{
  "variables": {
    "hearth_vulkan%": "<!(node <(module_root_dir)/native/src/backend/vulkan/shaders/can-build.js)"
  },
  "targets": [
    {
      "target_name": "hearth_vulkan",
      "type": "static_library",
      "cflags": ["-fPIC"],
      "cflags_cc": ["-fPIC"],
      "conditions": [
        ["hearth_vulkan==1", {
          "defines": ["HEARTH_VULKAN_BUILT=1"],
          "direct_dependent_settings": { "defines": ["HEARTH_VULKAN_BUILT=1"] },
          "include_dirs": ["<(SHARED_INTERMEDIATE_DIR)"],
          "sources": [
            "../src/backend/vulkan/vk-api.cpp",
            "../src/backend/vulkan/vk-device.cpp",
            "../src/backend/vulkan/vk-ops.cpp",
            "../src/backend/vulkan/vk-moe.cpp",
            "../src/backend/vulkan/vk-stage.cpp",
            "../src/backend/vulkan/vk-backend.cpp",
            "../src/backend/vulkan/vk-testing.cpp"
          ],
          "actions": [
            {
              "action_name": "embed_vulkan_shaders",
              "inputs": [
                "../src/backend/vulkan/shaders/embed-shaders.js",
                "../src/backend/vulkan/shaders/bytes.glsl",
                "../src/backend/vulkan/shaders/matmul.comp",
                "../src/backend/vulkan/shaders/rms_norm.comp",
                "../src/backend/vulkan/shaders/eltwise.comp",
                "../src/backend/vulkan/shaders/rope.comp",
                "../src/backend/vulkan/shaders/kv_store.comp",
                "../src/backend/vulkan/shaders/softmax.comp",
                "../src/backend/vulkan/shaders/attention.comp",
                "../src/backend/vulkan/shaders/moe_topk.comp",
                "../src/backend/vulkan/shaders/moe_tiles.comp",
                "../src/backend/vulkan/shaders/moe_combine.comp"
              ],
              "outputs": ["<(SHARED_INTERMEDIATE_DIR)/hearth/vk-shaders.h"],
              "action": ["node", "<(module_root_dir)/native/src/backend/vulkan/shaders/embed-shaders.js",
                         "<(SHARED_INTERMEDIATE_DIR)/hearth/vk-shaders.h"]
            }
          ]
        }, {
          "sources": ["../src/backend/vulkan/vk-stub.cpp"]
        }]
      ]
    }
  ]
}

# Model runtime: architecture registry, forward pass, KV cache, sampler, sessions,
# and the backend registry / placement with the CPU backend and the stubs of
# backends not built in (the CUDA backend itself: cuda.gypi).
{
  "targets": [
    {
      "target_name": "hearth_model",
      "type": "static_library",
      "cflags": ["-fPIC"],
      "cflags_cc": ["-fPIC"],
      "sources": [
        "../src/model/hparams.cpp",
        "../src/model/hparams-check.cpp",
        "../src/model/weights.cpp",
        "../src/model/decoder-layer.cpp",
        "../src/model/llama-decoder.cpp",
        "../src/model/arch-llama.cpp",
        "../src/model/arch-qwen2.cpp",
        "../src/model/arch-qwen3.cpp",
        "../src/model/arch-qwen3moe.cpp",
        "../src/model/moe-ffn.cpp",
        "../src/model/arch-registry.cpp",
        "../src/model/model.cpp",
        "../src/sampler/sampler-truncate.cpp",
        "../src/sampler/sampler-select.cpp",
        "../src/sampler/sampler-penalties.cpp",
        "../src/sampler/sampler-chain.cpp",
        "../src/engine/kv-cache.cpp",
        "../src/engine/session.cpp",
        "../src/engine/stop-strings.cpp",
        "../src/engine/generation.cpp",
        "../src/backend/registry.cpp",
        "../src/backend/placement.cpp",
        "../src/backend/unavailable-backend.cpp",
        "../src/backend/cpu/cpu-backend.cpp"
      ],
      "conditions": [
        ["hearth_cuda==0", { "sources": ["../src/backend/cuda-stub.cpp"] }],
        ["hearth_cuda==1", { "sources": ["../src/backend/cuda-loader.cpp"], "defines": ["HEARTH_CUDA_BUILT=1"] }]
      ]
    }
  ]
}

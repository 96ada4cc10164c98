# The model: hyperparameters and their checks, weight binding, the one
# decoder and the architecture files that configure it, the KV cache layout
# its forward pass writes. Uses the backends (backend.gypi); the engine
# (engine.gypi) uses it.
{
  "targets": [
    {
      "target_name": "hearth_model",
      "type": "static_library",
      "cflags": ["-fPIC"],
      "cflags_cc": ["-fPIC"],
      "dependencies": ["hearth_backend", "hearth_tokenizer", "hearth_core"],
      "sources": [
        "../src/model/hparams.cpp",
        "../src/model/hparams-check.cpp",
        "../src/model/weights.cpp",
        "../src/model/kv-cache.cpp",
        "../src/model/decoder.cpp",
        "../src/model/longrope.cpp",
        "../src/model/arch-llama.cpp",
        "../src/model/arch-qwen2.cpp",
        "../src/model/arch-qwen3.cpp",
        "../src/model/arch-qwen3moe.cpp",
        "../src/model/arch-gemma.cpp",
        "../src/model/arch-gemma3.cpp",
        "../src/model/arch-starcoder2.cpp",
        "../src/model/arch-gemma2.cpp",
        "../src/model/arch-granite.cpp",
        "../src/model/arch-mellum.cpp",
        "../src/model/arch-phi3.cpp",
        "../src/model/arch-gpt-oss.cpp",
        "../src/model/arch-registry.cpp",
        "../src/model/model.cpp"
      ]
    }
  ]
}

# The engine: sessions over a model (prefix reuse, context shift,
# generation, stop strings) and the sampler. The top of the native layers:
# only the N-API binding (binding.gyp) sits above it.
{
  "targets": [
    {
      "target_name": "hearth_engine",
      "type": "static_library",
      "cflags": ["-fPIC"],
      "cflags_cc": ["-fPIC"],
      "dependencies": ["hearth_model"],
      "sources": [
        "../src/sampler/sampler-truncate.cpp",
        "../src/sampler/sampler-select.cpp",
        "../src/sampler/sampler-penalties.cpp",
        "../src/sampler/sampler-chain.cpp",
        "../src/engine/session.cpp",
        "../src/engine/stop-strings.cpp",
        "../src/engine/generation.cpp"
      ]
    }
  ]
}

# Model runtime: architecture registry, forward pass, KV cache, sampler, sessions.
{
  "targets": [
    {
      "target_name": "hearth_model",
      "type": "static_library",
      "cflags": ["-fPIC"],
      "cflags_cc": ["-fPIC"],
      "sources": []
    }
  ]
}

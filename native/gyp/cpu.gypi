# CPU kernels: one static library per ISA, each with its own flags; a single
# dispatch point (src/cpu/dispatch.cpp) picks the table at start-up.
{
  "targets": [
    {
      "target_name": "hearth_cpu",
      "type": "static_library",
      "cflags": ["-fPIC"],
      "cflags_cc": ["-fPIC"],
      "sources": []
    }
  ]
}

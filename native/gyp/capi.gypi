# The engine's C boundary (native/include/hearth.h, implemented in
# native/src/capi/): opaque handles and status codes over the engine's C++,
# with every exception caught inside. hearth.node's binding calls only this;
# a front end without Node would link this library and the ones below it.
{
  "targets": [
    {
      "target_name": "hearth_capi",
      "type": "static_library",
      "cflags": ["-fPIC"],
      # Hidden: the hearth_* functions are linked into hearth.node (and into
      # other front ends statically), not exported from the addon's
      # dynamic symbol table, whose only entry N-API calls stays the module init.
      "cflags_cc": ["-fPIC", "-fvisibility=hidden"],
      "dependencies": ["hearth_engine", "hearth_model", "hearth_backend", "hearth_tokenizer", "hearth_cpu", "hearth_core"],
      # Each user names ../include itself: scripts/prebuild/gyp-targets.mjs
      # (the win32 cross build) reads include_dirs, not dependent settings.
      "include_dirs": ["../include"],
      "sources": [
        "../src/capi/capi-errors.cpp",
        "../src/capi/capi-gguf.cpp",
        "../src/capi/capi-tokenizer.cpp",
        "../src/capi/capi-model.cpp",
        "../src/capi/capi-session.cpp",
        "../src/capi/capi-quantize.cpp",
        "../src/capi/capi-devices.cpp"
      ]
    }
  ]
}

# Engine core: status codes, OS file mapping, GGUF reader, ggml type table.
{
  "targets": [
    {
      "target_name": "hearth_core",
      "type": "static_library",
      "cflags": ["-fPIC"],
      "cflags_cc": ["-fPIC"],
      "sources": [
        "../src/common/status.cpp",
        "../src/tensor/ggml-type.cpp"
      ]
    }
  ]
}

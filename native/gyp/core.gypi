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
        "../src/common/mapped-file-posix.cpp",
        "../src/common/mapped-file-win32.cpp",
        "../src/common/glibc-floor.cpp",
        "../src/gguf/gguf-reader.cpp",
        "../src/gguf/gguf-zip.cpp",
        "../src/tensor/ggml-type.cpp"
      ]
    }
  ]
}

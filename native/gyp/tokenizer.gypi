# Tokenizer: vocab from GGUF metadata, SPM and byte-level BPE, unicode tables.
{
  "targets": [
    {
      "target_name": "hearth_tokenizer",
      "type": "static_library",
      "cflags": ["-fPIC"],
      "cflags_cc": ["-fPIC"],
      "sources": []
    }
  ]
}

# Tokenizer: vocab from GGUF metadata, SPM / byte-level BPE / WPM, pre-tokenizers, unicode tables.
{
  "targets": [
    {
      "target_name": "hearth_tokenizer",
      "type": "static_library",
      "cflags": ["-fPIC"],
      "cflags_cc": ["-fPIC", "-O3"],
      "sources": [
        "../src/tokenizer/unicode.cpp",
        "../src/tokenizer/unicode-data.cpp",
        "../src/tokenizer/pre-tokenizer.cpp",
        "../src/tokenizer/vocab.cpp",
        "../src/tokenizer/tokenizer.cpp",
        "../src/tokenizer/tokenizer-spm.cpp",
        "../src/tokenizer/tokenizer-bpe.cpp",
        "../src/tokenizer/tokenizer-wpm.cpp"
      ]
    }
  ]
}

# CPU kernels: one static library per ISA, each with its own flags; a single
# dispatch point (src/cpu/dispatch.cpp) picks the table at start-up. Never
# -march=native: a level's flags are exactly the features dispatch checks.
{
  "targets": [
    {
      "target_name": "hearth_cpu",
      "type": "static_library",
      "cflags": ["-fPIC"],
      "cflags_cc": ["-fPIC"],
      "sources": [
        "../src/tensor/quants-ref.cpp",
        "../src/tensor/quants-ref-nl.cpp",
        "../src/cpu/cpu-ops.cpp",
        "../src/cpu/dispatch.cpp",
        "../src/cpu/features.cpp",
        "../src/cpu/thread-pool.cpp"
      ],
      "dependencies": ["hearth_cpu_generic"],
      "conditions": [
        ["target_arch=='x64'", {
          "dependencies": ["hearth_cpu_sse2", "hearth_cpu_avx2", "hearth_cpu_avx512",
                           "hearth_cpu_avx512vnni", "hearth_cpu_avx512bf16"]
        }],
        ["target_arch=='arm64'", {
          "dependencies": ["hearth_cpu_neon", "hearth_cpu_dotprod"]
        }]
      ]
    },
    {
      # The scalar reference: no vectorizer, so it stays the plain oracle.
      "target_name": "hearth_cpu_generic",
      "type": "static_library",
      "cflags_cc": ["-fPIC", "-O2", "-fno-tree-vectorize"],
      "sources": ["../src/cpu/kernels-generic.cpp"]
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "hearth_cpu_sse2",
          "type": "static_library",
          "cflags_cc": ["-fPIC", "-O3", "-mno-avx", "-mno-avx2"],
          "sources": ["../src/cpu/x86/kernels-sse2.cpp"]
        },
        {
          "target_name": "hearth_cpu_avx2",
          "type": "static_library",
          "cflags_cc": ["-fPIC", "-O3", "-mavx2", "-mfma", "-mf16c"],
          "sources": ["../src/cpu/x86/kernels-avx2.cpp"]
        },
        {
          "target_name": "hearth_cpu_avx512",
          "type": "static_library",
          "cflags_cc": ["-fPIC", "-O3", "-mavx2", "-mfma", "-mf16c", "-mavx512f", "-mavx512bw", "-mavx512vl",
                        "-mavx512dq", "-Wno-uninitialized"],
          "sources": ["../src/cpu/x86/kernels-avx512.cpp"]
        },
        {
          "target_name": "hearth_cpu_avx512vnni",
          "type": "static_library",
          "cflags_cc": ["-fPIC", "-O3", "-mavx2", "-mfma", "-mf16c", "-mavx512f", "-mavx512bw", "-mavx512vl",
                        "-mavx512dq", "-mavx512vnni", "-Wno-uninitialized"],
          "sources": ["../src/cpu/x86/kernels-avx512vnni.cpp"]
        },
        {
          "target_name": "hearth_cpu_avx512bf16",
          "type": "static_library",
          "cflags_cc": ["-fPIC", "-O3", "-mavx2", "-mfma", "-mf16c", "-mavx512f", "-mavx512bw", "-mavx512vl",
                        "-mavx512dq", "-mavx512vnni", "-mavx512bf16", "-Wno-uninitialized"],
          "sources": ["../src/cpu/x86/kernels-avx512bf16.cpp"]
        }
      ]
    }],
    ["target_arch=='arm64'", {
      "targets": [
        {
          "target_name": "hearth_cpu_neon",
          "type": "static_library",
          "cflags_cc": ["-fPIC", "-O3"],
          "sources": ["../src/cpu/arm/kernels-neon.cpp"]
        },
        {
          "target_name": "hearth_cpu_dotprod",
          "type": "static_library",
          "cflags_cc": ["-fPIC", "-O3", "-march=armv8.2-a+dotprod+fp16"],
          "sources": ["../src/cpu/arm/kernels-dotprod.cpp"]
        }
      ]
    }]
  ]
}

// Differential check of our reference quantizers and dequantizers against
// llama.cpp's own (ggml's exported quantize_row_*_ref / dequantize_row_*),
// loaded at run time from node-llama-cpp's prebuilt libggml-base.so.
// Byte-identical blocks and bit-identical floats are required; for the
// non-linear formats, whose quantizers are our own, the dequantizers must
// agree bit for bit on both sides' blocks.
//
//   ggml-oracle <path/to/libggml-base.so>     exit 0: all equal
#include <dlfcn.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "tensor/ggml-type.h"
#include "tensor/quants-ref.h"

using namespace hearth;

using QuantFn = void (*)(const float *, void *, int64_t);
using DequantFn = void (*)(const void *, float *, int64_t);

struct Case { GgmlType type; const char * quant; const char * dequant; };

int main(int argc, char ** argv) {
    if (argc < 2) { std::fprintf(stderr, "usage: ggml-oracle libggml-base.so\n"); return 2; }
    void * lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!lib) { std::fprintf(stderr, "dlopen: %s\n", dlerror()); return 2; }
    const Case cases[] = {
        {GGML_TYPE_Q4_0, "quantize_row_q4_0_ref", "dequantize_row_q4_0"},
        {GGML_TYPE_Q4_1, "quantize_row_q4_1_ref", "dequantize_row_q4_1"},
        {GGML_TYPE_Q5_0, "quantize_row_q5_0_ref", "dequantize_row_q5_0"},
        {GGML_TYPE_Q5_1, "quantize_row_q5_1_ref", "dequantize_row_q5_1"},
        {GGML_TYPE_Q8_0, "quantize_row_q8_0_ref", "dequantize_row_q8_0"},
        {GGML_TYPE_Q8_1, "quantize_row_q8_1_ref", nullptr},
        {GGML_TYPE_Q2_K, "quantize_row_q2_K_ref", "dequantize_row_q2_K"},
        {GGML_TYPE_Q3_K, "quantize_row_q3_K_ref", "dequantize_row_q3_K"},
        {GGML_TYPE_Q4_K, "quantize_row_q4_K_ref", "dequantize_row_q4_K"},
        {GGML_TYPE_Q5_K, "quantize_row_q5_K_ref", "dequantize_row_q5_K"},
        {GGML_TYPE_Q6_K, "quantize_row_q6_K_ref", "dequantize_row_q6_K"},
        {GGML_TYPE_Q8_K, "quantize_row_q8_K_ref", "dequantize_row_q8_K"},
    };
    // Data shapes that exercise different branches: gaussian, uniform, heavy
    // outliers, all-positive (min 0), tiny values, zeros, constants.
    const int64_t k = 256 * 64;
    std::mt19937 rng(1234);
    std::normal_distribution<float> gauss(0.0f, 1.0f);
    std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
    std::vector<std::vector<float>> inputs;
    for (int kind = 0; kind < 7; ++kind) {
        std::vector<float> x((size_t)k);
        for (int64_t i = 0; i < k; ++i) {
            switch (kind) {
            case 0: x[i] = gauss(rng); break;
            case 1: x[i] = uni(rng) * 3.0f; break;
            case 2: x[i] = gauss(rng) * (uni(rng) > 0.98f ? 40.0f : 1.0f); break;
            case 3: x[i] = std::fabs(gauss(rng)) + 0.5f; break;
            case 4: x[i] = gauss(rng) * 1e-4f; break;
            case 5: x[i] = (i / 256) % 2 ? 0.0f : gauss(rng); break;
            default: x[i] = (i / 32) % 3 == 0 ? 0.75f : -2.0f; break;
            }
        }
        inputs.push_back(x);
    }
    int failures = 0;
    // Non-linear formats: blocks from ggml's quantizer and from ours, each
    // decoded by both dequantizers: bit-identical floats required.
    const Case decode_cases[] = {
        {GGML_TYPE_IQ4_NL, "quantize_row_iq4_nl_ref", "dequantize_row_iq4_nl"},
        {GGML_TYPE_IQ4_XS, "quantize_row_iq4_xs_ref", "dequantize_row_iq4_xs"},
        {GGML_TYPE_MXFP4, "quantize_row_mxfp4_ref", "dequantize_row_mxfp4"},
    };
    for (const Case & c : decode_cases) {
        QuantFn theirs_q = (QuantFn)dlsym(lib, c.quant);
        DequantFn theirs_d = (DequantFn)dlsym(lib, c.dequant);
        if (!theirs_q || !theirs_d) {
            std::fprintf(stderr, "missing symbol for %s\n", ggml_type_info(c.type)->name);
            ++failures;
            continue;
        }
        const size_t bytes = (size_t)tensor_row_bytes(c.type, k);
        double err_ours = 0, err_theirs = 0, energy = 0;
        for (size_t in = 0; in < inputs.size(); ++in) {
            std::vector<uint8_t> ours(bytes), theirs(bytes);
            tensor_quantize_row(c.type, inputs[in].data(), ours.data(), k);
            theirs_q(inputs[in].data(), theirs.data(), k);
            for (const std::vector<uint8_t> * blocks : {&ours, &theirs}) {
                std::vector<float> yo((size_t)k), yt((size_t)k);
                tensor_dequantize_row(c.type, blocks->data(), yo.data(), k);
                theirs_d(blocks->data(), yt.data(), k);
                if (std::memcmp(yo.data(), yt.data(), (size_t)k * 4) != 0) {
                    std::printf("FAIL %s input %zu: dequantize of %s blocks differs\n", ggml_type_info(c.type)->name, in,
                                blocks == &ours ? "our" : "ggml's");
                    ++failures;
                }
                if (in == 0) {  // gaussian: each quantizer's error, for the record
                    double & err = blocks == &ours ? err_ours : err_theirs;
                    for (int64_t i = 0; i < k; ++i) err += (double)(yo[i] - inputs[in][i]) * (yo[i] - inputs[in][i]);
                }
            }
            if (in == 0) for (int64_t i = 0; i < k; ++i) energy += (double)inputs[in][i] * inputs[in][i];
        }
        std::printf("%-6s dequantize checked (nmse on gaussian: ours %.2e, ggml %.2e)\n", ggml_type_info(c.type)->name,
                    err_ours / energy, err_theirs / energy);
    }
    for (const Case & c : cases) {
        QuantFn theirs_q = (QuantFn)dlsym(lib, c.quant);
        DequantFn theirs_d = c.dequant ? (DequantFn)dlsym(lib, c.dequant) : nullptr;
        if (!theirs_q || (c.dequant && !theirs_d)) {
            std::fprintf(stderr, "missing symbol for %s\n", ggml_type_info(c.type)->name);
            ++failures;
            continue;
        }
        const size_t bytes = (size_t)tensor_row_bytes(c.type, k);
        for (size_t in = 0; in < inputs.size(); ++in) {
            std::vector<uint8_t> ours(bytes), theirs(bytes);
            tensor_quantize_row(c.type, inputs[in].data(), ours.data(), k);
            theirs_q(inputs[in].data(), theirs.data(), k);
            size_t diff = 0;
            for (size_t b = 0; b < bytes; ++b) diff += ours[b] != theirs[b];
            std::vector<float> yo((size_t)k), yt((size_t)k);
            size_t fdiff = 0;
            if (theirs_d) {
                tensor_dequantize_row(c.type, theirs.data(), yo.data(), k);
                theirs_d(theirs.data(), yt.data(), k);
                fdiff = std::memcmp(yo.data(), yt.data(), (size_t)k * 4) != 0;
            }
            if (diff || fdiff) {
                std::printf("FAIL %s input %zu: %zu of %zu bytes differ, dequantize %s\n", ggml_type_info(c.type)->name,
                            in, diff, bytes, fdiff ? "differs" : "equal");
                ++failures;
            }
        }
        std::printf("%-5s quantize %s, dequantize %s\n", ggml_type_info(c.type)->name, "checked", theirs_d ? "checked" : "n/a");
    }
    // f16 / bf16 rows: every f16 bit pattern back to f32, and f32 -> f16/bf16
    // on the inputs above plus specials (inf, nan, subnormals, rounding ties).
    using F16ToF32 = void (*)(const uint16_t *, float *, int64_t);
    using F32ToF16 = void (*)(const float *, uint16_t *, int64_t);
    struct Half { GgmlType type; const char * to32; const char * from32; };
    const Half halves[] = {{GGML_TYPE_F16, "ggml_fp16_to_fp32_row", "ggml_fp32_to_fp16_row"},
                           {GGML_TYPE_BF16, "ggml_bf16_to_fp32_row", "ggml_fp32_to_bf16_row_ref"}};
    std::vector<float> probe;
    for (const auto & x : inputs) probe.insert(probe.end(), x.begin(), x.begin() + 4096);
    for (uint32_t u = 0; u < 0xffffffffu - 65521u * 251u; u += 65521u * 251u) {  // a spread of raw f32 bit patterns
        float f;
        std::memcpy(&f, &u, 4);
        probe.push_back(f);
    }
    const float specials[] = {INFINITY, -INFINITY, NAN, 65504.0f, 65520.0f, 65519.99f, 6.0e-8f, 2.98e-8f, 5.96e-8f,
                              1e-40f, -0.0f, 0.0f, 1.0009765625f, 1.00048828125f, 3.0e38f};
    probe.insert(probe.end(), std::begin(specials), std::end(specials));
    for (const Half & h : halves) {
        F16ToF32 t32 = (F16ToF32)dlsym(lib, h.to32);
        F32ToF16 f32 = (F32ToF16)dlsym(lib, h.from32);
        if (!t32 || !f32) { std::fprintf(stderr, "missing %s / %s\n", h.to32, h.from32); ++failures; continue; }
        std::vector<uint16_t> all(65536);
        for (uint32_t i = 0; i < 65536; ++i) all[i] = (uint16_t)i;
        std::vector<float> ours(65536), theirs(65536);
        tensor_dequantize_row(h.type, all.data(), ours.data(), 65536);
        t32(all.data(), theirs.data(), 65536);
        const bool widen_ok = std::memcmp(ours.data(), theirs.data(), 65536 * 4) == 0;
        std::vector<uint16_t> qo(probe.size()), qt(probe.size());
        tensor_quantize_row(h.type, probe.data(), qo.data(), (int64_t)probe.size());
        f32(probe.data(), qt.data(), (int64_t)probe.size());
        size_t narrow_diff = 0;
        for (size_t i = 0; i < probe.size(); ++i) narrow_diff += qo[i] != qt[i];
        if (!widen_ok || narrow_diff) {
            std::printf("FAIL %s: widen %s, narrow %zu of %zu differ\n", ggml_type_info(h.type)->name,
                        widen_ok ? "equal" : "differs", narrow_diff, probe.size());
            ++failures;
        }
        std::printf("%-5s all 65536 -> f32 and %zu f32 -> %s checked\n", ggml_type_info(h.type)->name, probe.size(),
                    ggml_type_info(h.type)->name);
    }
    std::printf(failures ? "ggml-oracle: %d FAILURES\n" : "ggml-oracle: all formats byte-identical to ggml\n", failures);
    return failures ? 1 : 0;
}

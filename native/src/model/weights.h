// Binding named tensors from the mapped GGUF: shape and type checks with
// errors that name the tensor, and F32 views of small vectors (norms, biases).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tensor/ggml-type.h"

namespace hearth {

class GgufFile;
struct GgufTensorInfo;

// A weight matrix W[rows][cols] in its file format (cols is ggml's ne0).
struct WeightMatrix {
    const void * data = nullptr;
    GgmlType type = GGML_TYPE_F32;
    int64_t rows = 0;
    int64_t cols = 0;
    explicit operator bool() const { return data != nullptr; }
    // Rows [begin, begin + count): a view into the same bytes, for tensors
    // that hold several matrices stacked by rows (phi3's attn_qkv, its
    // ffn_up holding the gate and up halves). The caller keeps it in range.
    WeightMatrix row_slice(int64_t begin, int64_t count) const;
};

// One tensor holding every expert's W[rows][cols], stacked (GGUF shape
// [cols, rows, n_expert]); bound in place, so an expert's bytes are read
// only when a token is routed to it.
struct ExpertMatrices {
    WeightMatrix all;      // [n_expert * rows][cols]
    int64_t n_expert = 0;
    int64_t rows = 0;      // per expert
};

class WeightBinder {
public:
    explicit WeightBinder(const GgufFile & file) : file_(file) {}

    // W[rows][cols]; throws E_MODEL_BAD_TENSOR when absent (unless optional)
    // or misshapen, E_MODEL_UNSUPPORTED_TYPE when no kernel handles its type.
    WeightMatrix matrix(const std::string & name, int64_t rows, int64_t cols, bool optional = false);
    // An f32 vector of n: points into the mapping when stored as F32,
    // otherwise converted into storage the binder keeps. nullptr if optional and absent.
    const float * vector(const std::string & name, int64_t n, bool optional = false);
    // A small f32 table t[rows][cols] (GGUF shape [cols, rows]: per-expert
    // biases), converted like vector(); nullptr if optional and absent.
    const float * table(const std::string & name, int64_t rows, int64_t cols, bool optional = false);
    // n_expert stacked W[rows][cols] (GGUF shape [cols, rows, n_expert]); the
    // same errors as matrix().
    ExpertMatrices experts(const std::string & name, int64_t n_expert, int64_t rows, int64_t cols);

    // Converted vectors; the model keeps this alive as long as the views.
    std::vector<std::unique_ptr<std::vector<float>>> take_storage() { return std::move(storage_); }

private:
    // t's n values as f32: in place when stored as aligned F32, else converted into storage_.
    const float * as_f32(const std::string & name, const GgufTensorInfo & t, int64_t n);

    const GgufFile & file_;
    std::vector<std::unique_ptr<std::vector<float>>> storage_;
};

} // namespace hearth

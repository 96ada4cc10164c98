#include "model/weights.h"

#include "common/status.h"
#include "cpu/cpu-ops.h"
#include "gguf/gguf-reader.h"

namespace hearth {

namespace {

const char * type_name(uint32_t type) {
    const GgmlTypeInfo * info = ggml_type_info(type);
    return info ? info->name : "unknown";
}

std::string shape_string(const GgufTensorInfo & t) {
    std::string s = "[";
    for (uint32_t i = 0; i < t.n_dims; ++i) {
        if (i) s += ", ";
        s += std::to_string(t.ne[i]);
    }
    return s + "]";
}

// A bound weight's type must be one Hearth has kernels for.
GgmlType computable_type(const std::string & name, const GgufTensorInfo & t) {
    const GgmlTypeInfo * info = ggml_type_info(t.type);
    if (!info || !info->computable) {
        throw_error(STATUS_E_MODEL_UNSUPPORTED_TYPE, "tensor %s has type %s (id %u), which Hearth cannot compute with",
                    name.c_str(), type_name(t.type), t.type);
    }
    return (GgmlType)t.type;
}

} // namespace

WeightMatrix WeightBinder::matrix(const std::string & name, int64_t rows, int64_t cols, bool optional) {
    const GgufTensorInfo * t = file_.find_tensor(name);
    if (!t) {
        if (optional) return {};
        throw_error(STATUS_E_MODEL_BAD_TENSOR, "tensor %s is missing", name.c_str());
    }
    if ((int64_t)t->ne[0] != cols || (int64_t)t->ne[1] != rows || t->ne[2] != 1 || t->ne[3] != 1) {
        throw_error(STATUS_E_MODEL_BAD_TENSOR, "tensor %s has shape %s, expected [%lld, %lld]", name.c_str(),
                    shape_string(*t).c_str(), (long long)cols, (long long)rows);
    }
    return {file_.tensor_data(*t), computable_type(name, *t), rows, cols};
}

const float * WeightBinder::vector(const std::string & name, int64_t n, bool optional) {
    const GgufTensorInfo * t = file_.find_tensor(name);
    if (!t) {
        if (optional) return nullptr;
        throw_error(STATUS_E_MODEL_BAD_TENSOR, "tensor %s is missing", name.c_str());
    }
    if ((int64_t)t->n_elements != n || t->ne[0] != (uint64_t)n) {
        throw_error(STATUS_E_MODEL_BAD_TENSOR, "tensor %s has shape %s, expected [%lld]", name.c_str(),
                    shape_string(*t).c_str(), (long long)n);
    }
    return as_f32(name, *t, n);
}

const float * WeightBinder::as_f32(const std::string & name, const GgufTensorInfo & t, int64_t n) {
    const uint8_t * data = file_.tensor_data(t);
    if (t.type == GGML_TYPE_F32 && reinterpret_cast<uintptr_t>(data) % alignof(float) == 0) {
        return reinterpret_cast<const float *>(data);
    }
    if (t.type != GGML_TYPE_F32 && t.type != GGML_TYPE_F16 && t.type != GGML_TYPE_BF16) {
        throw_error(STATUS_E_MODEL_UNSUPPORTED_TYPE, "tensor %s has type %s; norms and biases must be F32, F16 or BF16",
                    name.c_str(), type_name(t.type));
    }
    auto buf = std::make_unique<std::vector<float>>((size_t)n);
    cpu_get_row((GgmlType)t.type, data, n, 0, buf->data());
    const float * out = buf->data();
    storage_.push_back(std::move(buf));
    return out;
}

const float * WeightBinder::table(const std::string & name, int64_t rows, int64_t cols, bool optional) {
    const GgufTensorInfo * t = file_.find_tensor(name);
    if (!t) {
        if (optional) return nullptr;
        throw_error(STATUS_E_MODEL_BAD_TENSOR, "tensor %s is missing", name.c_str());
    }
    if ((int64_t)t->ne[0] != cols || (int64_t)t->ne[1] != rows || t->ne[2] != 1 || t->ne[3] != 1) {
        throw_error(STATUS_E_MODEL_BAD_TENSOR, "tensor %s has shape %s, expected [%lld, %lld]", name.c_str(),
                    shape_string(*t).c_str(), (long long)cols, (long long)rows);
    }
    return as_f32(name, *t, rows * cols);  // both the tensor's own dims: bounded by the file
}

ExpertMatrices WeightBinder::experts(const std::string & name, int64_t n_expert, int64_t rows, int64_t cols) {
    const GgufTensorInfo * t = file_.find_tensor(name);
    if (!t) throw_error(STATUS_E_MODEL_BAD_TENSOR, "tensor %s is missing", name.c_str());
    if ((int64_t)t->ne[0] != cols || (int64_t)t->ne[1] != rows || (int64_t)t->ne[2] != n_expert || t->ne[3] != 1) {
        throw_error(STATUS_E_MODEL_BAD_TENSOR, "tensor %s has shape %s, expected [%lld, %lld, %lld]", name.c_str(),
                    shape_string(*t).c_str(), (long long)cols, (long long)rows, (long long)n_expert);
    }
    ExpertMatrices m;
    // rows * n_expert: both equal the tensor's own dimensions, whose product the loader bounded by the file.
    m.all = {file_.tensor_data(*t), computable_type(name, *t), rows * n_expert, cols};
    m.n_expert = n_expert;
    m.rows = rows;
    return m;
}

WeightMatrix WeightMatrix::row_slice(int64_t begin, int64_t count) const {
    if (begin < 0 || count < 0 || begin > rows || count > rows - begin) {
        throw_error(STATUS_E_INTERNAL, "row slice %lld+%lld of a %lld-row matrix", (long long)begin, (long long)count,
                    (long long)rows);
    }
    const uint64_t row = ggml_row_bytes(*ggml_type_info(type), (uint64_t)cols);
    return {static_cast<const uint8_t *>(data) + row * (uint64_t)begin, type, count, cols};
}

} // namespace hearth

// libFuzzer target for the GGUF parser (zip container detection included).
// Any EngineError is an expected rejection; anything else (a crash, an
// ASan/UBSan report, std::bad_alloc from an unbounded reservation, a leak or
// a hang) is a bug that the fuzz script turns into a failing run.
#include <cstddef>
#include <cstdint>

#include "common/status.h"
#include "gguf/gguf-reader.h"

namespace {

// Walks what the parser produced the way engine code would, so views into
// the buffer and array accessors get exercised too.
double fuzz_touch_file(const hearth::GgufFile & f) {
    double sum = f.version() + f.alignment() + f.data_offset();
    for (const hearth::GgufKv & kv : f.kvs()) {
        sum += kv.key.size();
        if (kv.value.type == hearth::GGUF_TYPE_STRING) sum += kv.value.str.empty() ? 0 : static_cast<uint8_t>(kv.value.str.back());
        if (kv.value.type != hearth::GGUF_TYPE_ARRAY) continue;
        const hearth::GgufArray & a = *kv.value.arr;
        for (uint64_t i = 0; i < a.count && i < 64; i++) {
            try {
                sum += a.float_at(i);
            } catch (const hearth::EngineError &) {
                sum += 1;  // non-numeric arrays refuse, as documented
            }
        }
    }
    for (const hearth::GgufTensorInfo & t : f.tensors()) {
        const uint8_t * p = f.tensor_data(t);
        if (t.n_bytes > 0) sum += p[0] + p[t.n_bytes - 1];  // must be inside the buffer
        if (f.find_tensor(t.name) == nullptr) __builtin_trap();
    }
    try {
        (void)f.get_string("general.architecture");
        (void)f.get_int("general.alignment");
        (void)f.get_array("tokenizer.ggml.tokens");
    } catch (const hearth::EngineError &) {
    }
    return sum;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t * data, size_t size) {
    try {
        auto f = hearth::GgufFile::parse(data, size);
        volatile double sink = fuzz_touch_file(*f);
        (void)sink;
    } catch (const hearth::EngineError &) {
    }
    return 0;
}

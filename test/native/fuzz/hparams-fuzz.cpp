// libFuzzer target for model-settings validation and weight binding: the
// input is a GGUF header (metadata and tensor table), and arch_create runs
// the load path up to the weights' bytes: read the settings, check them
// against the tensor table (model/hparams-check.cpp), bind every tensor by
// name and shape. Then the sizes a session would take from the settings are
// formed (KV cache, decoder scratch) to check they are bounded.
//
// The weights need not be in the input: it is copied into a buffer with
// VIRTUAL_DATA zero bytes after it, so tensors at offsets within that
// virtual size bind (a header alone, or a header and a few bytes, is a whole
// model). Any EngineError is an expected rejection; anything else (a crash,
// an ASan/UBSan report, std::bad_alloc from a size believed from the file, a
// leak, a hang) is a bug that scripts/fuzz-hparams.sh turns into a failure.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "common/status.h"
#include "model/kv-cache.h"
#include "gguf/gguf-reader.h"
#include "model/arch.h"
#include "backend/cpu/decoder-layer.h"

namespace {

constexpr size_t VIRTUAL_DATA = size_t(1) << 20;  // 1 MiB of zero tensor bytes
constexpr size_t MAX_INPUT = size_t(1) << 16;     // matches -max_len in the script

// One buffer for every run: input bytes, then zeros. What a longer input
// wrote past a shorter one is zeroed again, so a run depends on its input only.
std::vector<uint8_t> & buffer() {
    static std::vector<uint8_t> buf(MAX_INPUT + VIRTUAL_DATA, 0);
    return buf;
}

// Forms the sizes a session derives from the settings, as the engine would:
// these must be bounded by the tensors, or refused with a code.
void fuzz_size_session(const hearth::ModelArch & arch) {
    const hearth::ModelHparams & h = arch.hparams();
    const hearth_decoder_desc * d = arch.backend_desc();
    if (h.n_vocab <= 0 || h.n_layer <= 0 || h.n_head_kv <= 0 || h.head_dim <= 0) __builtin_trap();
    if (d == nullptr || d->n_layer != h.n_layer) __builtin_trap();
    for (int64_t il = 0; il < d->n_layer; il++) {
        const hearth_layer_desc & L = d->layers[il];
        // Bound means every matrix a layer multiplies with is present: a dense FFN's or the experts'.
        const bool ffn = L.ffn_router.data ? L.ffn_down_exps.all.data != nullptr : L.ffn_down.data != nullptr;
        if (!L.wq.data || !L.wk.data || !L.wv.data || !L.wo.data || !ffn) __builtin_trap();
    }
    hearth::KvCache kv(h.n_layer, 16, h.n_head_kv, h.head_dim);
    volatile uint16_t sink = kv.k(h.n_layer - 1)[0];
    (void)sink;
    hearth::DecoderScratch s;
    s.reserve(*d, 4);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t * data, size_t size) {
    static size_t dirty = 0;  // bytes of buffer() a previous input wrote
    if (size > MAX_INPUT) return 0;
    std::vector<uint8_t> & buf = buffer();
    std::memcpy(buf.data(), data, size);
    if (dirty > size) std::memset(buf.data() + size, 0, dirty - size);
    dirty = size;
    try {
        auto file = hearth::GgufFile::parse(buf.data(), size + VIRTUAL_DATA);
        auto arch = hearth::arch_create(*file);
        fuzz_size_session(*arch);
        // The script runs the seeds with this set to check that they bind:
        // a corpus that only ever fails validation would fuzz rejection alone.
        static const bool verbose = std::getenv("HPARAMS_FUZZ_VERBOSE") != nullptr;
        if (verbose) {
            const hearth::ModelHparams & h = arch->hparams();
            std::fprintf(stderr, "hparams-fuzz: bound %s, %lld layers, %lld vocab\n", h.arch.c_str(),
                         (long long)h.n_layer, (long long)h.n_vocab);
        }
    } catch (const hearth::EngineError &) {
    }
    return 0;
}

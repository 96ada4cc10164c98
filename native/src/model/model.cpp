#include "model/model.h"

#include <algorithm>
#include <cstdio>
#include <new>
#include <optional>
#include <thread>

#include "cpu/thread-pool.h"
#include "gguf/gguf-reader.h"
#include "model/kv-cache.h"
#include "tokenizer/tokenizer.h"

namespace hearth {

namespace {

// Maps every tensor's pages in now, so that loading reports real progress and
// the first generation does not stall on page faults: one populate call per
// tensor where the system has it (a warm 1 GB model in a few ms of kernel
// time), else one touched byte per page.
void prefault_tensors(const GgufFile & file, const std::function<void(double)> & on_progress) {
    uint64_t total = 0;
    for (const auto & t : file.tensors()) total += t.n_bytes;
    uint64_t done = 0;
    volatile uint8_t sink = 0;
    double last_reported = 0.0;
    bool can_populate = true;
    for (const auto & t : file.tensors()) {
        const uint8_t * p = file.tensor_data(t);
        if (!(can_populate && (can_populate = file.populate(p, t.n_bytes)))) {
            for (uint64_t off = 0; off < t.n_bytes; off += 4096) sink = sink + p[off];
        }
        done += t.n_bytes;
        double frac = total ? 0.1 + 0.8 * (double)done / (double)total : 0.9;
        if (on_progress && frac - last_reported >= 0.05) {
            on_progress(frac);
            last_reported = frac;
        }
    }
    (void)sink;
}

} // namespace

std::shared_ptr<Model> Model::load(const std::string & path, const ModelLoadOptions & options) {
    // Before any mapping: the same bounds a session's context has.
    if (options.n_ctx > 0) KvCache::check_context_length(options.n_ctx);
    std::shared_ptr<Model> m(new Model());
    m->path_ = path;
    GgufOpenOptions go;
    go.use_mmap = options.use_mmap;
    go.prefetch = true;
    m->gguf_ = GgufFile::open(path, go);
    if (options.on_progress) options.on_progress(0.05);
    // Architecture first: an unsupported arch is the clearest error to give.
    m->arch_ = arch_create(*m->gguf_);
    m->n_ctx_ = options.n_ctx > 0 ? options.n_ctx : hparams_default_context(m->arch_->hparams());
    m->arch_->set_context(m->n_ctx_);
    // The tokenizer (hash maps over ~150k tokens and merges) and the weights'
    // pages are independent: build the one while the other is mapped in.
    // The thread's error travels as a code and a message: std::exception_ptr
    // would raise the addon's libstdc++ floor (CXXABI_1.3.13).
    std::optional<EngineError> tokenizer_error;
    std::thread tokenizer_thread([&] {
        try {
            m->tokenizer_ = Tokenizer::from_gguf(*m->gguf_);
        } catch (const EngineError & e) {
            tokenizer_error.emplace(e.code(), e.what());
        } catch (const std::bad_alloc &) {
            tokenizer_error.emplace(STATUS_E_OUT_OF_MEMORY, "out of memory building the tokenizer");
        } catch (const std::exception & e) {
            tokenizer_error.emplace(STATUS_E_INTERNAL, std::string("tokenizer: ") + e.what());
        } catch (...) {
            tokenizer_error.emplace(STATUS_E_INTERNAL, "tokenizer: unknown error");
        }
    });
    if (options.on_progress) options.on_progress(0.1);
    try {
        prefault_tensors(*m->gguf_, options.on_progress);
    } catch (...) {
        tokenizer_thread.join();
        throw;
    }
    tokenizer_thread.join();
    if (tokenizer_error) throw *tokenizer_error;
    m->pool_ = std::make_unique<ThreadPool>(options.threads);
    m->cpu_.kernels = cpu_kernels_best();
    m->cpu_.pool = m->pool_.get();
    PlacementRequest pr;
    pr.backend = options.backend;
    pr.gpu_layers = options.gpu_layers;
    pr.n_ctx = hparams_default_context(m->arch_->hparams());
    m->placement_ = placement_decide(m->arch_->backend_desc(), pr);
    if (options.on_progress) options.on_progress(1.0);
    return m;
}

Model::~Model() {
    if (placement_.stage) placement_.backend->stage_destroy(placement_.stage);
}

void Model::disable_stage(const std::string & why) const {
    if (stage_disabled_) return;
    stage_disabled_ = true;
    ++epoch_;
    {
        std::lock_guard<std::mutex> lock(reasons_mutex_);
        runtime_reasons_.push_back(why + "; running on the CPU");
    }
    std::fprintf(stderr, "hearth: %s; falling back to the CPU\n", why.c_str());
}

std::vector<std::string> Model::reasons() const {
    std::vector<std::string> r = placement_.reasons;
    std::lock_guard<std::mutex> lock(reasons_mutex_);
    r.insert(r.end(), runtime_reasons_.begin(), runtime_reasons_.end());
    return r;
}

int Model::threads() const { return pool_ ? pool_->size() : 1; }

} // namespace hearth

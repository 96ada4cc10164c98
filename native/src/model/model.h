// A loaded model: the mapped GGUF, its tokenizer, its architecture (weights
// bound into the mapping) and the thread pool its forward passes run on.
// Shared (std::shared_ptr) by the JS handle, every session and every running
// generation, so the mapping lives until the last of them lets go.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backend/placement.h"
#include "cpu/cpu-ops.h"
#include "model/arch.h"

namespace hearth {

class GgufFile;
class Tokenizer;
class ThreadPool;

struct ModelLoadOptions {
    int threads = 0;         // <= 0: physical cores
    // The context sessions get when they ask for none, and the one RoPE
    // settings that depend on the context are chosen for (phi3's LongRoPE
    // factor set: ModelArch::set_context); 0: hparams_default_context.
    int64_t n_ctx = 0;
    bool use_mmap = true;
    std::string backend = "auto";           // auto | cpu | cuda | vulkan
    int64_t gpu_layers = GPU_LAYERS_AUTO;   // a count, GPU_LAYERS_AUTO or GPU_LAYERS_ALL
    // Called from the loading thread with 0..1.
    std::function<void(double)> on_progress;
};

class Model {
public:
    // Throws E_IO_*, E_GGUF_*, E_TOKENIZER, E_MODEL_* naming what is wrong.
    static std::shared_ptr<Model> load(const std::string & path, const ModelLoadOptions & options);
    ~Model();

    const GgufFile & gguf() const { return *gguf_; }
    const Tokenizer & tokenizer() const { return *tokenizer_; }
    const ModelArch & arch() const { return *arch_; }
    const ModelHparams & hparams() const { return arch_->hparams(); }
    const std::string & path() const { return path_; }
    // ModelLoadOptions::n_ctx, or the default it stands for.
    int64_t n_ctx() const { return n_ctx_; }
    int threads() const;

    // Forward passes of all sessions of this model take turns: they share
    // one thread pool.
    CpuContext cpu() const { return cpu_; }
    std::mutex & compute_mutex() const { return compute_mutex_; }

    // Where the layers run. The stage stays valid until the model dies; after
    // a runtime GPU error stage_active() turns false and placement_epoch()
    // changes, and sessions rebuild their caches on the CPU path.
    const Placement & placement() const { return placement_; }
    bool stage_active() const { return placement_.stage != nullptr && !stage_disabled_; }
    uint64_t placement_epoch() const { return epoch_; }
    // Called with compute_mutex held after a BackendError: all layers go to the CPU.
    void disable_stage(const std::string & why) const;

private:
    Model() = default;
    std::string path_;
    int64_t n_ctx_ = 0;
    std::unique_ptr<GgufFile> gguf_;
    std::unique_ptr<Tokenizer> tokenizer_;
    std::unique_ptr<ModelArch> arch_;
    std::unique_ptr<ThreadPool> pool_;
    CpuContext cpu_;
    mutable std::mutex compute_mutex_;
    Placement placement_;
    // Written under compute_mutex by a worker, read by info() on the JS thread.
    mutable std::atomic<bool> stage_disabled_{false};
    mutable std::atomic<uint64_t> epoch_{0};
    mutable std::mutex reasons_mutex_;  // guards runtime_reasons_
    mutable std::vector<std::string> runtime_reasons_;

public:
    // placement().reasons plus what went wrong at run time.
    std::vector<std::string> reasons() const;
    std::string backend_name() const { return stage_active() ? placement_.backend_name : "cpu"; }
    int64_t gpu_layers() const { return stage_active() ? placement_.n_gpu_layers : 0; }
};

} // namespace hearth

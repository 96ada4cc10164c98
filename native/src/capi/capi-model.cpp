// Models through hearth.h: load (options as a plain struct), the info
// snapshot and the borrowed tokenizer.
#include <string>
#include <vector>

#include "backend/placement.h"
#include "capi/capi-errors.h"
#include "capi/capi-handles.h"

using namespace hearth;

static_assert(HEARTH_GPU_LAYERS_AUTO == GPU_LAYERS_AUTO && HEARTH_GPU_LAYERS_ALL == GPU_LAYERS_ALL,
              "gpu layer sentinels differ");

namespace hearth::capi {
void fill_special(const SpecialTokens & s, hearth_special_tokens * out);  // capi-tokenizer.cpp
}

namespace {

// The public struct with the strings its pointers point into: one
// allocation that hearth_model_info_free deletes whole.
struct ModelInfoBox : hearth_model_info {
    ModelInfoBox() : hearth_model_info() {}
    std::string architecture, chat_template, name, backend, device;
    std::vector<std::string> reasons;
    std::vector<const char *> reason_ptrs;
};

} // namespace

extern "C" {

void hearth_model_options_init(hearth_model_options * o) {
    const ModelLoadOptions d;
    o->threads = d.threads;
    o->use_mmap = d.use_mmap;
    o->context_length = d.n_ctx;
    o->backend = "auto";
    o->gpu_layers = d.gpu_layers;
    o->on_progress = nullptr;
    o->progress_user = nullptr;
}

hearth_status hearth_parse_gpu_layers(const char * text, size_t len, int64_t * out, hearth_error * err) {
    return capi::guarded(err, [&] { *out = placement_parse_gpu_layers(std::string(text, len)); });
}

hearth_status hearth_model_load(const char * path, const hearth_model_options * options, hearth_model ** out,
                                hearth_error * err) {
    *out = nullptr;
    return capi::guarded(err, [&] {
        ModelLoadOptions opts;
        if (options) {
            opts.threads = options->threads;
            opts.use_mmap = options->use_mmap != 0;
            opts.n_ctx = options->context_length;
            if (options->backend) opts.backend = options->backend;
            opts.gpu_layers = options->gpu_layers;
            if (options->on_progress) {
                hearth_progress_fn fn = options->on_progress;
                void * user = options->progress_user;
                opts.on_progress = [fn, user](double p) { fn(user, p); };
            }
        }
        auto m = std::make_unique<hearth_model>();
        m->model = Model::load(path, opts);
        // Shares the model's ownership, so the borrowed tokenizer is the model's own.
        m->tokenizer.tokenizer = std::shared_ptr<const Tokenizer>(m->model, &m->model->tokenizer());
        *out = m.release();
    });
}

void hearth_model_free(hearth_model * m) { delete m; }

const hearth_tokenizer * hearth_model_tokenizer(const hearth_model * m) { return &m->tokenizer; }

hearth_status hearth_model_get_info(const hearth_model * m, hearth_model_info ** out, hearth_error * err) {
    *out = nullptr;
    return capi::guarded(err, [&] {
        const Model & model = *m->model;
        const ModelHparams & hp = model.hparams();
        auto box = std::make_unique<ModelInfoBox>();
        hearth_model_info & o = *box;
        box->architecture = hp.arch;
        o.architecture = box->architecture.c_str();
        o.n_vocab = hp.n_vocab;
        o.context_length_train = hp.n_ctx_train;
        o.n_embd = hp.n_embd;
        o.n_layer = hp.n_layer;
        o.n_head = hp.n_head;
        o.n_head_kv = hp.n_head_kv;
        o.threads = model.threads();
        o.tokenizer_model = model.tokenizer().model_name();
        o.tokenizer_pre = model.tokenizer().pre_name();
        capi::fill_special(model.tokenizer().special(), &o.special);
        if (auto tmpl = model.gguf().get_string("tokenizer.chat_template")) {
            box->chat_template = std::string(*tmpl);
            o.chat_template = box->chat_template.c_str();
        }
        if (auto name = model.gguf().get_string("general.name")) {
            box->name = std::string(*name);
            o.name = box->name.c_str();
        }
        box->backend = model.backend_name();
        o.backend = box->backend.c_str();
        // Read once: a GPU error may turn the stage off meanwhile.
        const bool stage = model.stage_active();
        const Placement & pl = model.placement();
        if (stage || pl.backend_name == "cpu") {
            box->device = pl.device_name;
            o.device = box->device.c_str();
        }
        o.gpu_layers = model.gpu_layers();
        o.output_on_device = stage && pl.with_output;
        o.device_bytes = stage ? pl.device_bytes : 0;
        box->reasons = model.reasons();
        for (const std::string & r : box->reasons) box->reason_ptrs.push_back(r.c_str());
        o.reasons = box->reason_ptrs.data();
        o.n_reasons = box->reason_ptrs.size();
        *out = box.release();
    });
}

void hearth_model_info_free(hearth_model_info * info) {
    delete static_cast<ModelInfoBox *>(info);
}

} // extern "C"

#include "common/status.h"
#include "sampler/sampler.h"

namespace hearth {

SamplerChain SamplerChain::from_params(const SamplingParams & p) {
    SamplerChain chain;
    if (p.repeat_penalty != 1.0f || p.frequency_penalty != 0.0f || p.presence_penalty != 0.0f) {
        chain.add(sampler_create_penalties(p.repeat_last_n, p.repeat_penalty, p.frequency_penalty, p.presence_penalty));
    }
    if (p.temperature <= 0.0f) {
        chain.add(sampler_create_greedy());
        return chain;
    }
    if (p.top_k > 0) chain.add(sampler_create_top_k(p.top_k));
    if (p.top_p < 1.0f) chain.add(sampler_create_top_p(p.top_p, 1));
    if (p.min_p > 0.0f) chain.add(sampler_create_min_p(p.min_p, 1));
    chain.add(sampler_create_temperature(p.temperature));
    chain.add(sampler_create_dist(p.seed));
    return chain;
}

TokenId SamplerChain::sample(const float * logits, int32_t n_vocab) {
    auto & list = scratch_;
    list.items.resize((size_t)n_vocab);
    for (int32_t i = 0; i < n_vocab; ++i) list.items[(size_t)i] = {i, logits[i], 0.0f};
    list.sorted = false;
    list.selected = -1;
    for (auto & s : samplers_) s->apply(list);
    if (list.selected < 0 || list.selected >= (int64_t)list.items.size()) {
        throw_error(STATUS_E_INTERNAL, "sampler chain (%s) selected no token", describe().c_str());
    }
    return list.items[(size_t)list.selected].id;
}

void SamplerChain::accept(TokenId id) {
    for (auto & s : samplers_) s->accept(id);
}

void SamplerChain::reset() {
    for (auto & s : samplers_) s->reset();
}

std::string SamplerChain::describe() const {
    std::string out;
    for (auto & s : samplers_) {
        if (!out.empty()) out += " -> ";
        out += s->name();
    }
    return out;
}

} // namespace hearth

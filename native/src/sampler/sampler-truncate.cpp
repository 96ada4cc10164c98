// Samplers that reshape or cut the candidate list: temperature, top-k,
// top-p (nucleus) and min-p.
#include <algorithm>
#include <cmath>

#include "sampler/sampler.h"

namespace hearth {

void candidates_sort(CandidateList & list) {
    if (list.sorted) return;
    std::sort(list.items.begin(), list.items.end(), [](const TokenCandidate & a, const TokenCandidate & b) {
        // ties by id so the order never depends on the sort algorithm
        const float ka = logit_key(a.logit), kb = logit_key(b.logit);
        return ka > kb || (ka == kb && a.id < b.id);
    });
    list.sorted = true;
}

void candidates_softmax(CandidateList & list) {
    candidates_sort(list);
    if (list.items.empty()) return;
    const float max_logit = logit_key(list.items[0].logit);
    double sum = 0.0;
    for (auto & c : list.items) {
        const float k = logit_key(c.logit);
        // exp(k - max) is NaN when both are the same infinity: those tokens
        // are the top ones (weight 1), as are all tokens when all are -inf.
        c.p = std::isinf(max_logit) ? (k == max_logit ? 1.0f : 0.0f) : std::exp(k - max_logit);
        sum += c.p;
    }
    for (auto & c : list.items) c.p = (float)(c.p / sum);
}

namespace {

class TemperatureSampler : public Sampler {
public:
    explicit TemperatureSampler(float t) : t_(t) {}
    const char * name() const override { return "temperature"; }
    void apply(CandidateList & list) override {
        for (auto & c : list.items) c.logit /= t_;
    }
private:
    float t_;
};

class TopKSampler : public Sampler {
public:
    explicit TopKSampler(int32_t k) : k_(k) {}
    const char * name() const override { return "top-k"; }
    void apply(CandidateList & list) override {
        if (k_ <= 0 || (size_t)k_ >= list.items.size()) return;
        candidates_sort(list);
        list.items.resize((size_t)k_);
    }
private:
    int32_t k_;
};

class TopPSampler : public Sampler {
public:
    TopPSampler(float p, size_t min_keep) : p_(p), min_keep_(min_keep) {}
    const char * name() const override { return "top-p"; }
    void apply(CandidateList & list) override {
        if (p_ >= 1.0f || list.items.empty()) return;
        candidates_softmax(list);
        double cum = 0.0;
        size_t keep = list.items.size();
        for (size_t i = 0; i < list.items.size(); ++i) {
            cum += list.items[i].p;
            if (cum >= p_ && i + 1 >= min_keep_) {
                keep = i + 1;
                break;
            }
        }
        list.items.resize(keep);
    }
private:
    float p_;
    size_t min_keep_;
};

class MinPSampler : public Sampler {
public:
    MinPSampler(float p, size_t min_keep) : p_(p), min_keep_(min_keep) {}
    const char * name() const override { return "min-p"; }
    void apply(CandidateList & list) override {
        if (p_ <= 0.0f || list.items.empty()) return;
        candidates_sort(list);
        // p_i >= p * p_max  <=>  logit_i >= logit_max + log(p)
        // (+inf at the top keeps only the +inf ones: -inf never passes the cut.)
        const float top = logit_key(list.items[0].logit);
        const float cut = std::isinf(top) ? top : top + std::log(p_);
        size_t keep = 0;
        while (keep < list.items.size() && (logit_key(list.items[keep].logit) >= cut || keep < min_keep_)) ++keep;
        list.items.resize(keep);
    }
private:
    float p_;
    size_t min_keep_;
};

} // namespace

std::unique_ptr<Sampler> sampler_create_temperature(float t) { return std::make_unique<TemperatureSampler>(t); }
std::unique_ptr<Sampler> sampler_create_top_k(int32_t k) { return std::make_unique<TopKSampler>(k); }
std::unique_ptr<Sampler> sampler_create_top_p(float p, size_t min_keep) { return std::make_unique<TopPSampler>(p, min_keep); }
std::unique_ptr<Sampler> sampler_create_min_p(float p, size_t min_keep) { return std::make_unique<MinPSampler>(p, min_keep); }

} // namespace hearth

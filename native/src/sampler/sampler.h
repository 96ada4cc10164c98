// Token samplers: each one is a small object with a vtable (name, apply,
// accept, reset), chained in order by SamplerChain. apply() narrows or
// reweights the candidate list; the last sampler of a chain selects a token.
// The design follows llama.cpp's sampler interface; the code is our own.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace hearth {

struct TokenCandidate {
    TokenId id;
    float logit;
    float p;  // filled by candidates_softmax()
};

struct CandidateList {
    std::vector<TokenCandidate> items;
    bool sorted = false;      // by logit, descending
    int64_t selected = -1;    // index into items once a selecting sampler ran
};

// A logit as the samplers order it: NaN counts as -inf, so every comparison
// is a total order (std::sort with a comparator that is not one is undefined
// behaviour) and a NaN never wins over a number.
inline float logit_key(float logit) { return logit != logit ? -INFINITY : logit; }

// Sorts by logit (descending) when not already sorted; fills p with the softmax.
// With every logit -inf (or NaN) all are equally likely; with some +inf, those share all the mass.
void candidates_softmax(CandidateList & list);
void candidates_sort(CandidateList & list);

class Sampler {
public:
    virtual ~Sampler() = default;
    virtual const char * name() const = 0;
    virtual void apply(CandidateList & list) = 0;
    virtual void accept(TokenId) {}   // a token was chosen (penalty history)
    virtual void reset() {}           // forget history, reseed
};

struct SamplingParams {
    float temperature = 0.0f;       // <= 0: greedy
    int32_t top_k = 40;             // <= 0: off
    float top_p = 0.95f;            // >= 1: off
    float min_p = 0.05f;            // <= 0: off
    float repeat_penalty = 1.0f;    // 1: off
    int32_t repeat_last_n = 64;     // history the penalties look at
    float frequency_penalty = 0.0f;
    float presence_penalty = 0.0f;
    uint64_t seed = 1;
};

std::unique_ptr<Sampler> sampler_create_greedy();
std::unique_ptr<Sampler> sampler_create_temperature(float temperature);
std::unique_ptr<Sampler> sampler_create_top_k(int32_t k);
std::unique_ptr<Sampler> sampler_create_top_p(float p, size_t min_keep);
std::unique_ptr<Sampler> sampler_create_min_p(float p, size_t min_keep);
std::unique_ptr<Sampler> sampler_create_penalties(int32_t last_n, float repeat, float frequency, float presence);
std::unique_ptr<Sampler> sampler_create_dist(uint64_t seed);

class SamplerChain {
public:
    // Greedy (after penalties) when temperature <= 0; otherwise
    // penalties -> top-k -> top-p -> min-p -> temperature -> seeded draw.
    static SamplerChain from_params(const SamplingParams & params);

    void add(std::unique_ptr<Sampler> s) { samplers_.push_back(std::move(s)); }
    // Runs every sampler over logits[n_vocab] and returns the chosen token.
    TokenId sample(const float * logits, int32_t n_vocab);
    void accept(TokenId id);
    void reset();
    std::string describe() const;  // "penalties -> top-k -> ..."

private:
    std::vector<std::unique_ptr<Sampler>> samplers_;
    CandidateList scratch_;
};

} // namespace hearth

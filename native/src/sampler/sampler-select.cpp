// Samplers that pick the token: greedy (argmax) and a seeded draw from the
// softmax of what the chain left.
#include "sampler/rng.h"
#include "sampler/sampler.h"

namespace hearth {

namespace {

class GreedySampler : public Sampler {
public:
    const char * name() const override { return "greedy"; }
    void apply(CandidateList & list) override {
        int64_t best = -1;
        for (size_t i = 0; i < list.items.size(); ++i) {
            const auto & c = list.items[i];
            // lowest id wins a tie, as an argmax over the logit vector would
            // logit_key: a NaN is never the maximum (a plain > would keep a NaN first item)
            const float k = logit_key(c.logit), kb = best < 0 ? 0.0f : logit_key(list.items[best].logit);
            if (best < 0 || k > kb || (k == kb && c.id < list.items[best].id)) {
                best = (int64_t)i;
            }
        }
        list.selected = best;
    }
};

class DistSampler : public Sampler {
public:
    explicit DistSampler(uint64_t seed) : seed_(seed), rng_(seed) {}
    const char * name() const override { return "dist"; }
    void apply(CandidateList & list) override {
        candidates_softmax(list);
        const double r = rng_.next_double();
        double cum = 0.0;
        list.selected = (int64_t)list.items.size() - 1;
        for (size_t i = 0; i < list.items.size(); ++i) {
            cum += list.items[i].p;
            if (r < cum) {
                list.selected = (int64_t)i;
                break;
            }
        }
    }
    void reset() override { rng_.seed_with(seed_); }
private:
    uint64_t seed_;
    Pcg32 rng_;
};

} // namespace

std::unique_ptr<Sampler> sampler_create_greedy() { return std::make_unique<GreedySampler>(); }
std::unique_ptr<Sampler> sampler_create_dist(uint64_t seed) { return std::make_unique<DistSampler>(seed); }

} // namespace hearth

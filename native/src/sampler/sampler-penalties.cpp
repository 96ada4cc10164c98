// Repetition, frequency and presence penalties over the last N accepted
// tokens. Repetition divides a positive logit (multiplies a negative one) by
// the penalty; frequency subtracts count * f; presence subtracts p once.
#include <deque>
#include <unordered_map>

#include "sampler/sampler.h"

namespace hearth {

namespace {

class PenaltiesSampler : public Sampler {
public:
    PenaltiesSampler(int32_t last_n, float repeat, float frequency, float presence)
        : last_n_(last_n), repeat_(repeat), frequency_(frequency), presence_(presence) {}

    const char * name() const override { return "penalties"; }

    void apply(CandidateList & list) override {
        if (counts_.empty() || (repeat_ == 1.0f && frequency_ == 0.0f && presence_ == 0.0f)) return;
        for (auto & c : list.items) {
            auto it = counts_.find(c.id);
            if (it == counts_.end()) continue;
            const int n = it->second;
            c.logit = c.logit > 0 ? c.logit / repeat_ : c.logit * repeat_;
            c.logit -= (float)n * frequency_ + presence_;
        }
        list.sorted = false;
    }

    void accept(TokenId id) override {
        if (last_n_ <= 0) return;
        history_.push_back(id);
        ++counts_[id];
        if ((int32_t)history_.size() > last_n_) {
            auto it = counts_.find(history_.front());
            if (--it->second == 0) counts_.erase(it);
            history_.pop_front();
        }
    }

    void reset() override {
        history_.clear();
        counts_.clear();
    }

private:
    int32_t last_n_;
    float repeat_, frequency_, presence_;
    std::deque<TokenId> history_;
    std::unordered_map<TokenId, int> counts_;
};

} // namespace

std::unique_ptr<Sampler> sampler_create_penalties(int32_t last_n, float repeat, float frequency, float presence) {
    return std::make_unique<PenaltiesSampler>(last_n, repeat, frequency, presence);
}

} // namespace hearth

#include "engine/stop-strings.h"

#include <algorithm>

namespace hearth {

StopStringMatcher::StopStringMatcher(std::vector<std::string> stops) {
    for (auto & s : stops) {
        if (!s.empty()) stops_.push_back(std::move(s));
    }
}

std::string StopStringMatcher::push(const std::string & text) {
    if (stopped_) return {};
    pending_ += text;
    size_t first = std::string::npos;
    for (const auto & s : stops_) {
        size_t at = pending_.find(s);
        if (at != std::string::npos && (first == std::string::npos || at < first)) {
            first = at;
            matched_ = s;
        }
    }
    if (first != std::string::npos) {
        stopped_ = true;
        std::string out = pending_.substr(0, first);
        pending_.clear();
        return out;
    }
    // Hold back the longest tail that is a proper prefix of some stop string.
    size_t hold = 0;
    for (const auto & s : stops_) {
        const size_t max_len = std::min(s.size() - 1, pending_.size());
        for (size_t len = max_len; len > hold; --len) {
            if (pending_.compare(pending_.size() - len, len, s, 0, len) == 0) {
                hold = len;
                break;
            }
        }
    }
    std::string out = pending_.substr(0, pending_.size() - hold);
    pending_.erase(0, pending_.size() - hold);
    return out;
}

std::string StopStringMatcher::flush() {
    std::string out;
    out.swap(pending_);
    return out;
}

} // namespace hearth

// Finds stop strings in streamed text without ever emitting part of one:
// text that could still grow into a stop string is held back until the next
// piece decides it.
#pragma once

#include <string>
#include <vector>

namespace hearth {

class StopStringMatcher {
public:
    explicit StopStringMatcher(std::vector<std::string> stops);

    // Adds text; returns what is safe to emit now. After a stop string
    // matched, stopped() is true and the text before it has been returned.
    std::string push(const std::string & text);
    // What was held back (call when generation ends without a stop).
    std::string flush();
    bool stopped() const { return stopped_; }
    const std::string & matched() const { return matched_; }

private:
    std::vector<std::string> stops_;
    std::string pending_;
    bool stopped_ = false;
    std::string matched_;
};

} // namespace hearth

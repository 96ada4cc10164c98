// The generation loop: evaluate the prompt (with prefix reuse), then sample,
// stream and append one token at a time until end-of-generation, a stop
// string, max tokens, or an abort. Runs on whatever thread calls it; the
// N-API layer runs it on its own std::thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sampler/sampler.h"
#include "tokenizer/tokenizer.h"

namespace hearth {

class Session;

struct GenerationParams {
    SamplingParams sampling;
    int32_t max_tokens = 256;
    std::vector<std::string> stop;  // stop strings (not included in the output)
    std::vector<TokenId> stop_tokens;  // more tokens that end generation, like EOG (FIM markers)
    bool stop_on_eog = true;        // EOS/EOT/EOM end generation
    int64_t splice_drift = 0;       // > 0: the prompt may splice cached cells (Session::evaluate)
};

enum StopReason {
    STOP_REASON_EOG,     // "eog": the model ended it
    STOP_REASON_STOP,    // "stop": a stop string
    STOP_REASON_LENGTH,  // "length": max tokens
    STOP_REASON_ABORT,   // "abort": the caller aborted
};
const char * stop_reason_name(StopReason r);

struct GenerationTimings {
    double prompt_ms = 0;
    double gen_ms = 0;
    int64_t n_prompt = 0;        // prompt tokens
    int64_t n_prompt_eval = 0;   // of which actually evaluated (the rest were cached)
    int64_t n_prompt_spliced = 0;  // of the cached, moved from later in the cache (splice)
    int64_t n_gen = 0;           // tokens generated
};

struct GenerationResult {
    std::vector<TokenId> tokens;
    std::string text;
    std::string tail;  // text held back until the end, not given to on_token
    StopReason reason = STOP_REASON_LENGTH;
    GenerationTimings timings;
};

struct GenerationCallbacks {
    // One generated token and the text it completes (may be empty while a
    // UTF-8 character or a possible stop string is pending).
    std::function<void(TokenId, const std::string &)> on_token;
    std::function<bool()> should_abort;  // polled before every token
};

GenerationResult generation_run(Session & session, const std::vector<TokenId> & prompt, const GenerationParams & params,
                                const GenerationCallbacks & callbacks);

} // namespace hearth

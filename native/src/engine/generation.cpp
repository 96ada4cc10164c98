#include "engine/generation.h"

#include <algorithm>
#include <chrono>

#include "common/status.h"
#include "engine/session.h"
#include "engine/stop-strings.h"
#include "model/model.h"

namespace hearth {

const char * stop_reason_name(StopReason r) {
    switch (r) {
        case STOP_REASON_EOG: return "eog";
        case STOP_REASON_STOP: return "stop";
        case STOP_REASON_LENGTH: return "length";
        case STOP_REASON_ABORT: return "abort";
    }
    return "unknown";
}

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

GenerationResult generation_run(Session & session, const std::vector<TokenId> & prompt, const GenerationParams & params,
                                const GenerationCallbacks & cb) {
    GenerationResult res;
    const Tokenizer & tok = session.model()->tokenizer();
    const int32_t n_vocab = (int32_t)session.model()->hparams().n_vocab;
    auto aborted = [&] { return cb.should_abort && cb.should_abort(); };

    auto t0 = std::chrono::steady_clock::now();
    EvaluateStats stats;
    const std::vector<float> * logits = nullptr;
    try {
        logits = &session.evaluate(prompt, &stats, cb.should_abort, params.splice_drift);
    } catch (const EngineError & e) {
        if (e.code() != STATUS_E_ABORTED) throw;
        res.reason = STOP_REASON_ABORT;
        res.timings.prompt_ms = ms_since(t0);
        return res;
    }
    res.timings.prompt_ms = ms_since(t0);
    res.timings.n_prompt = (int64_t)prompt.size();
    res.timings.n_prompt_eval = stats.n_evaluated;
    res.timings.n_prompt_spliced = stats.n_spliced;

    SamplerChain chain = SamplerChain::from_params(params.sampling);
    Utf8StreamDecoder utf8;
    StopStringMatcher stops(params.stop);
    auto t1 = std::chrono::steady_clock::now();
    res.reason = STOP_REASON_LENGTH;
    for (int32_t i = 0; i < params.max_tokens; ++i) {
        if (aborted()) {
            res.reason = STOP_REASON_ABORT;
            break;
        }
        const TokenId id = chain.sample(logits->data(), n_vocab);
        chain.accept(id);
        const bool listed = std::find(params.stop_tokens.begin(), params.stop_tokens.end(), id) != params.stop_tokens.end();
        if ((params.stop_on_eog && tok.is_eog(id)) || listed) {
            res.reason = STOP_REASON_EOG;
            break;
        }
        res.tokens.push_back(id);
        const std::string text = stops.push(utf8.push(tok.token_to_piece(id, false)));
        res.text += text;
        if (cb.on_token) cb.on_token(id, text);
        if (stops.stopped()) {
            res.reason = STOP_REASON_STOP;
            break;
        }
        // The last token is not evaluated: nothing would read its logits. A
        // follow-up request finds it missing and evaluates it then.
        if (i + 1 < params.max_tokens) logits = &session.append(id);
    }
    if (!stops.stopped()) {
        res.tail = stops.push(utf8.flush());
        res.tail += stops.flush();
        res.text += res.tail;
    }
    res.timings.gen_ms = ms_since(t1);
    res.timings.n_gen = (int64_t)res.tokens.size();
    return res;
}

} // namespace hearth

// What the opaque handles of hearth.h are: thin owners of the engine's C++
// objects. Shared by the capi-*.cpp files only.
#pragma once

#include <memory>

#include "engine/session.h"
#include "gguf/gguf-reader.h"
#include "hearth.h"
#include "model/model.h"
#include "tokenizer/tokenizer.h"

struct hearth_gguf {
    std::unique_ptr<hearth::GgufFile> file;
};

// hearth_gguf_array stays incomplete: a pointer to one is a GgufArray's
// address (capi-gguf.cpp casts both ways).

struct hearth_tokenizer {
    std::shared_ptr<const hearth::Tokenizer> tokenizer;
};

struct hearth_model {
    std::shared_ptr<hearth::Model> model;
    hearth_tokenizer tokenizer;  // aliases model->tokenizer(); hearth_model_tokenizer lends it
};

struct hearth_session {
    std::unique_ptr<hearth::Session> session;
};

#include <cstring>
#include <string>

#include "common/status.h"
#include "gguf/gguf-reader.h"
#include "model/arch.h"

namespace hearth {

namespace {

struct ArchEntry {
    const char * name;  // general.architecture
    std::unique_ptr<ModelArch> (*create)(const GgufFile &);
};

const ArchEntry ARCHES[] = {
    {"llama", arch_llama_create},
    {"qwen2", arch_qwen2_create},
    {"qwen3", arch_qwen3_create},
    {"qwen3moe", arch_qwen3moe_create},
};

const char * const ARCH_NAMES[] = {"llama", "qwen2", "qwen3", "qwen3moe", nullptr};

} // namespace

const char * const * arch_supported_names() { return ARCH_NAMES; }

std::unique_ptr<ModelArch> arch_create(const GgufFile & file) {
    auto arch = file.get_string("general.architecture");
    if (!arch) throw_error(STATUS_E_GGUF_KEY_MISSING, "model metadata lacks general.architecture");
    for (const ArchEntry & e : ARCHES) {
        if (*arch == e.name) return e.create(file);
    }
    std::string supported;
    for (const ArchEntry & e : ARCHES) supported += std::string(supported.empty() ? "" : ", ") + e.name;
    throw_error(STATUS_E_MODEL_UNSUPPORTED_ARCH, "architecture '%.*s' is not supported (supported: %s)",
                (int)arch->size(), arch->data(), supported.c_str());
}

} // namespace hearth

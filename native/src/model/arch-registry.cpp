#include <cstring>
#include <string>
#include <vector>

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
    {"gemma", arch_gemma_create},
    {"gemma3", arch_gemma3_create},
    {"starcoder2", arch_starcoder2_create},
    {"gemma2", arch_gemma2_create},
    {"granite", arch_granite_create},
    {"mellum", arch_mellum_create},
    {"phi3", arch_phi3_create},
    {"gpt-oss", arch_gpt_oss_create},
};


} // namespace

const char * const * arch_supported_names() {
    // Read off ARCHES, so the table above is the one list.
    static const std::vector<const char *> names = [] {
        std::vector<const char *> v;
        for (const ArchEntry & e : ARCHES) v.push_back(e.name);
        v.push_back(nullptr);
        return v;
    }();
    return names.data();
}

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

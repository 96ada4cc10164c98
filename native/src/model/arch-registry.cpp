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
#define HEARTH_ARCH(ident, name) {name, arch_##ident##_create},
#include "model/architectures.inc"
#undef HEARTH_ARCH
};

} // namespace

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

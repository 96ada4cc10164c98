// The backends this addon knows, in auto-detect order (CUDA, Vulkan, CPU),
// what each found on this machine, and the mapping of their error codes to
// engine status codes.
#pragma once

#include <string>
#include <vector>

#include "backend/backend.h"
#include "common/status.h"

extern "C" const hearth_backend * hearth_backend_cpu();  // backend/cpu/cpu-backend.cpp

namespace hearth {

struct BackendProbe {
    const hearth_backend * backend = nullptr;
    std::string name;                        // "cuda", "vulkan", "cpu"
    std::vector<hearth_device_info> devices; // empty when unavailable
    std::string reason;                      // why unavailable ("" when devices were found)
};

// Every backend, in auto-detect order, probed now. With `only` set, that
// backend and the CPU alone: probing Vulkan loads the loader and every ICD
// (Mesa's lavapipe maps LLVM, about 60 MiB resident and tens of ms), which a
// model asked onto one backend does not need.
std::vector<BackendProbe> backend_probe_all(const std::string & only = "");

// By name ("cpu", "cuda", "vulkan"); nullptr when unknown.
const hearth_backend * backend_by_name(const std::string & name);

// "CUDA", "Vulkan", "CPU": for reasons shown to users.
const char * backend_display_name(const std::string & name);

// HEARTH_BK_E_* -> STATUS_E_BACKEND_*.
StatusCode backend_status(int rc);

} // namespace hearth

#include "backend/registry.h"

namespace hearth {

namespace {

constexpr int kMaxDevices = 16;

const hearth_backend * const * all_backends() {
    static const hearth_backend * const list[] = {hearth_backend_cuda(), hearth_backend_vulkan(), hearth_backend_cpu(),
                                                  nullptr};
    return list;
}

} // namespace

std::vector<BackendProbe> backend_probe_all(const std::string & only) {
    std::vector<BackendProbe> out;
    for (const hearth_backend * const * b = all_backends(); *b; ++b) {
        if (!only.empty() && only != (*b)->name && std::string((*b)->name) != "cpu") continue;
        BackendProbe p;
        p.backend = *b;
        p.name = (*b)->name;
        hearth_device_info devs[kMaxDevices] = {};
        char why[HEARTH_BK_ERR_LEN] = {0};
        int n = (*b)->probe(devs, kMaxDevices, why);
        if (n <= 0) {
            p.reason = std::string(backend_display_name(p.name)) + ": " + (n == 0 && !why[0] ? "no device" : why);
        } else {
            p.devices.assign(devs, devs + (n < kMaxDevices ? n : kMaxDevices));
        }
        out.push_back(std::move(p));
    }
    return out;
}

const hearth_backend * backend_by_name(const std::string & name) {
    for (const hearth_backend * const * b = all_backends(); *b; ++b) {
        if (name == (*b)->name) return *b;
    }
    return nullptr;
}

const char * backend_display_name(const std::string & name) {
    if (name == "cuda") return "CUDA";
    if (name == "vulkan") return "Vulkan";
    if (name == "cpu") return "CPU";
    return name.c_str();
}

StatusCode backend_status(int rc) {
    switch (rc) {
        case HEARTH_BK_E_UNAVAILABLE: return STATUS_E_BACKEND_UNAVAILABLE;
        case HEARTH_BK_E_OOM: return STATUS_E_BACKEND_OOM;
        case HEARTH_BK_E_UNSUPPORTED: return STATUS_E_BACKEND_UNSUPPORTED;
        case HEARTH_BK_E_DEVICE_LOST: return STATUS_E_BACKEND_DEVICE_LOST;
        default: return STATUS_E_BACKEND_INTERNAL;
    }
}

} // namespace hearth

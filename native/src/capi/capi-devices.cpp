// Device listing through hearth.h: every backend this build knows, in
// auto-detect order, with its devices or the reason it has none.
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "backend/registry.h"
#include "capi/capi-errors.h"
#include "hearth.h"

using namespace hearth;

namespace {

const char * device_type_name(int t) {
    switch (t) {
        case HEARTH_DEVICE_CPU: return "cpu";
        case HEARTH_DEVICE_GPU_DISCRETE: return "discrete";
        case HEARTH_DEVICE_GPU_INTEGRATED: return "integrated";
        case HEARTH_DEVICE_GPU_VIRTUAL: return "virtual";
        default: return "unknown";
    }
}

// The public struct with what its pointers point into (see ModelInfoBox).
struct DeviceListBox : hearth_device_list {
    DeviceListBox() : hearth_device_list() {}
    std::vector<BackendProbe> probes;
    std::vector<std::vector<hearth_device>> devices;  // per backend
    std::vector<hearth_backend_report> reports;
};

} // namespace

extern "C" {

hearth_status hearth_list_devices(hearth_device_list ** out, hearth_error * err) {
    *out = nullptr;
    return capi::guarded(err, [&] {
        auto box = std::make_unique<DeviceListBox>();
        box->probes = backend_probe_all();
        box->devices.resize(box->probes.size());
        for (size_t i = 0; i < box->probes.size(); ++i) {
            for (const hearth_device_info & d : box->probes[i].devices) {
                hearth_device v;
                static_assert(sizeof v.name == sizeof d.name && sizeof v.detail == sizeof d.detail, "device name sizes differ");
                std::memcpy(v.name, d.name, sizeof v.name);
                v.name[sizeof v.name - 1] = '\0';
                v.type = device_type_name(d.type);
                v.total_memory = d.total_memory;
                v.free_memory = d.free_memory;
                std::memcpy(v.detail, d.detail, sizeof v.detail);
                v.detail[sizeof v.detail - 1] = '\0';
                box->devices[i].push_back(v);
            }
        }
        for (size_t i = 0; i < box->probes.size(); ++i) {
            const BackendProbe & p = box->probes[i];
            hearth_backend_report r;
            r.name = p.name.c_str();
            r.reason = p.reason.empty() ? nullptr : p.reason.c_str();
            r.devices = box->devices[i].data();
            r.n_devices = box->devices[i].size();
            box->reports.push_back(r);
        }
        box->backends = box->reports.data();
        box->n_backends = box->reports.size();
        *out = box.release();
    });
}

void hearth_device_list_free(hearth_device_list * list) { delete static_cast<DeviceListBox *>(list); }

} // extern "C"

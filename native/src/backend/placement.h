// Where a model's layers run: the backend and device, how many of the last
// layers form the GPU stage (llama.cpp's -ngl) and whether the output head
// goes with them. Decided once at load (placement_decide) from the user's
// backend / gpuLayers options, the devices found and their free memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backend/backend.h"

namespace hearth {

// gpuLayers: a count, or one of these.
constexpr int64_t GPU_LAYERS_AUTO = -1;  // as many as fit in free memory with a margin
constexpr int64_t GPU_LAYERS_ALL = -2;

struct PlacementRequest {
    std::string backend = "auto";  // auto | cpu | cuda | vulkan
    int64_t gpu_layers = GPU_LAYERS_AUTO;
    int64_t n_ctx = 4096;          // context each session is expected to use (KV sizing)
};

struct Placement {
    const hearth_backend * backend = nullptr;  // stage backend; nullptr: all on the CPU path
    int device = 0;
    std::string backend_name = "cpu";          // what info() reports
    std::string device_name;
    int64_t n_gpu_layers = 0;                  // layers [n_layer - n_gpu_layers, n_layer) in the stage
    bool with_output = false;
    hearth_stage * stage = nullptr;
    uint64_t device_bytes = 0;
    std::vector<std::string> reasons;          // why other backends / fewer layers were used
};

// Parses "auto" | "all" | a non-negative integer; throws E_INVALID_ARGUMENT naming the bad value.
int64_t placement_parse_gpu_layers(const std::string & s);

// Decides and creates the stage. Throws E_INVALID_ARGUMENT for an unknown
// backend name and E_BACKEND_UNAVAILABLE when an explicitly asked backend
// has no device (the message carries its reason). A stage that fails to
// build (out of device memory) leaves the model on the CPU with a reason.
Placement placement_decide(const hearth_decoder_desc * desc, const PlacementRequest & req);

// Bytes a stage of layers [begin, end) (+ head) needs on the device, KV for n_ctx included.
uint64_t placement_stage_bytes(const hearth_decoder_desc & d, int64_t begin, int64_t end, bool with_output, int64_t n_ctx);

} // namespace hearth

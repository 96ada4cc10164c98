// The Vulkan backend where it was not compiled in (no glslc or no Vulkan
// headers at build time, or HEARTH_VULKAN=0): probe explains, nothing runs.
#include <cstdio>

#include "backend/backend.h"
#include "backend/vulkan/vk-testing.h"

namespace {

const char kWhy[] = "Vulkan: not built (glslc or the Vulkan headers were missing at build time)";

int unavailable(char * err) {
    if (err) std::snprintf(err, HEARTH_BK_ERR_LEN, "%s", kWhy);
    return HEARTH_BK_E_UNAVAILABLE;
}

int probe(hearth_device_info *, int, char * why) {
    unavailable(why);
    return -1;
}
int supports(int, int, int) { return 0; }
int buffer_alloc(int, uint64_t, hearth_buffer **, char * err) { return unavailable(err); }
int buffer_upload(hearth_buffer *, uint64_t, const void *, uint64_t, char * err) { return unavailable(err); }
int buffer_download(hearth_buffer *, uint64_t, void *, uint64_t, char * err) { return unavailable(err); }
void buffer_free(hearth_buffer *) {}
int stage_create(int, const hearth_decoder_desc *, int64_t, int64_t, int, hearth_stage **, uint64_t *, char * err) {
    return unavailable(err);
}
void stage_destroy(hearth_stage *) {}
int kv_create(hearth_stage *, int64_t, hearth_kv **, char * err) { return unavailable(err); }
void kv_destroy(hearth_kv *) {}
int kv_shift(hearth_kv *, int64_t, int64_t, int64_t, char * err) { return unavailable(err); }
int stage_forward(hearth_stage *, hearth_kv *, float *, int64_t, int64_t, float *, int64_t, char * err) {
    return unavailable(err);
}
int synchronize(int, char * err) { return unavailable(err); }

const hearth_backend kStub = {
    "vulkan", probe, supports, buffer_alloc, buffer_upload, buffer_download, buffer_free, stage_create, stage_destroy,
    kv_create, kv_destroy, kv_shift, stage_forward, synchronize,
};

} // namespace

extern "C" const hearth_backend * hearth_backend_vulkan() { return &kStub; }

namespace hearth::vk_test {
bool built() { return false; }
void set_subgroup_allowed(bool) {}
bool subgroup_in_use() { return false; }
void set_8bit_allowed(bool) {}
bool bytes8_in_use() { return false; }
void set_16bit_allowed(bool) {}
bool halves16_in_use() { return false; }
void set_moe_limits(int64_t, int64_t) {}
int matmul(int, const void *, int64_t, int64_t, const float *, int64_t, float *, char * err) { return unavailable(err); }
int rms_norm(const float *, int64_t, int64_t, const float *, float, float *, char * err) { return unavailable(err); }
int eltwise(int, const float *, const float *, int64_t, int64_t, float *, char * err) { return unavailable(err); }
int softmax(float *, int64_t, int64_t, char * err) { return unavailable(err); }
int rope(float *, int64_t, int64_t, int64_t, int64_t, int64_t, float, float, bool, const float *, char * err) {
    return unavailable(err);
}
int attention(const float *, const uint16_t *, const uint16_t *, float *, int64_t, int64_t, int64_t, int64_t, int64_t,
              float, const float *, char * err) {
    return unavailable(err);
}
int kv_store(const float *, int64_t, int64_t, int64_t, int64_t, uint16_t *, char * err) { return unavailable(err); }
} // namespace hearth::vk_test

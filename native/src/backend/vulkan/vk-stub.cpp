// The Vulkan backend where it was not compiled in (no glslc or no Vulkan
// headers at build time, or HEARTH_VULKAN=0): probe explains, nothing runs.
// The kernel-test hooks below fail the same way.
#include <cstdio>

#include "backend/backend.h"
#include "backend/unavailable-backend.h"
#include "backend/vulkan/vk-testing.h"

namespace {

const char kWhy[] = "Vulkan: not built (glslc or the Vulkan headers were missing at build time)";

int unavailable(char * err) {
    if (err) std::snprintf(err, HEARTH_BK_ERR_LEN, "%s", kWhy);
    return HEARTH_BK_E_UNAVAILABLE;
}

} // namespace

HEARTH_UNAVAILABLE_BACKEND(hearth_backend_vulkan, "vulkan", kWhy)

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

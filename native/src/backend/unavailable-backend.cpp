#include "backend/unavailable-backend.h"

namespace hearth {

namespace {

int fail(char * err) {
    if (err) std::snprintf(err, HEARTH_BK_ERR_LEN, "backend not available");
    return HEARTH_BK_E_UNAVAILABLE;
}

} // namespace

hearth_backend backend_unavailable_vtable(const char * name, int (*probe)(hearth_device_info *, int, char *)) {
    hearth_backend b{};
    b.name = name;
    b.probe = probe;
    b.supports = [](int, int, int) -> int { return 0; };
    b.buffer_alloc = [](int, uint64_t, hearth_buffer **, char * err) -> int { return fail(err); };
    b.buffer_upload = [](hearth_buffer *, uint64_t, const void *, uint64_t, char * err) -> int { return fail(err); };
    b.buffer_download = [](hearth_buffer *, uint64_t, void *, uint64_t, char * err) -> int { return fail(err); };
    b.buffer_free = [](hearth_buffer *) {};
    b.stage_create = [](int, const hearth_decoder_desc *, int64_t, int64_t, int, hearth_stage **, uint64_t *,
                        char * err) -> int { return fail(err); };
    b.stage_destroy = [](hearth_stage *) {};
    b.kv_create = [](hearth_stage *, int64_t, hearth_kv **, char * err) -> int { return fail(err); };
    b.kv_destroy = [](hearth_kv *) {};
    b.kv_shift = [](hearth_kv *, int64_t, int64_t, int64_t, char * err) -> int { return fail(err); };
    b.stage_forward = [](hearth_stage *, hearth_kv *, float *, int64_t, int64_t, float *, int64_t,
                         char * err) -> int { return fail(err); };
    b.synchronize = [](int, char * err) -> int { return fail(err); };
    return b;
}

} // namespace hearth

// The CUDA backend lives in a companion library, hearth_cuda.so, next to
// hearth.node: it links the static CUDA runtime, whose glibc needs (2.34)
// are far above the addon's floor (2.27), and whose code only machines with
// an NVIDIA driver ever run. This file finds and opens it at first use; when
// it is missing or does not load, the backend's probe says why and the
// engine runs on the other backends.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

#include "backend/unavailable-backend.h"

namespace {

constexpr const char * kLibraryName = "hearth_cuda.so";
constexpr const char * kEntryPoint = "hearth_cuda_module_backend";

std::string g_why;  // why the companion is not usable ("" once loaded)

int probe_unavailable(hearth_device_info *, int, char * why) {
    if (why) std::snprintf(why, HEARTH_BK_ERR_LEN, "%s", g_why.c_str());
    return -1;
}

// The folder of the file this code was loaded from (hearth.node, or a test
// program linking the engine statically).
std::string own_folder() {
    Dl_info info{};
    if (!dladdr((const void *)&own_folder, &info) || !info.dli_fname) return ".";
    std::string path = info.dli_fname;
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

const hearth_backend * load_companion() {
    // HEARTH_CUDA_LIBRARY names the file directly (tests, unusual layouts).
    const char * env = std::getenv("HEARTH_CUDA_LIBRARY");
    const std::string path = env && *env ? std::string(env) : own_folder() + "/" + kLibraryName;
    void * handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
#if defined(HEARTH_CUDA_BUILT)
        const char * err = dlerror();
        g_why = std::string("companion library did not load (") + (err ? err : path) + ")";
#else
        g_why = "not built (no nvcc when this addon was compiled)";
#endif
        return nullptr;
    }
    using EntryFn = const hearth_backend * (*)();
    EntryFn entry = (EntryFn)dlsym(handle, kEntryPoint);
    const hearth_backend * b = entry ? entry() : nullptr;
    if (!b) {
        g_why = path + " has no " + kEntryPoint;
        return nullptr;  // the handle stays open: unloading CUDA's runtime at exit is not worth the risk
    }
    return b;
}

} // namespace

extern "C" const hearth_backend * hearth_backend_cuda() {
    static std::once_flag once;
    static const hearth_backend * backend = nullptr;
    static hearth_backend unavailable;
    std::call_once(once, [] {
        backend = load_companion();
        if (!backend) unavailable = hearth::backend_unavailable_vtable("cuda", probe_unavailable);
    });
    return backend ? backend : &unavailable;
}

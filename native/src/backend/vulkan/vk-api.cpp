#include "backend/vulkan/vk-api.h"

#include <dlfcn.h>

#include <mutex>

namespace hearth::vk {

namespace {

Api g_api;
std::string g_why;
bool g_tried = false;
std::mutex g_mutex;

bool load(std::string * why) {
    void * lib = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        *why = "Vulkan: libvulkan.so.1 not found";
        return false;
    }
    g_api.lib = lib;
    g_api.vkGetInstanceProcAddr = (PFN_vkGetInstanceProcAddr)dlsym(lib, "vkGetInstanceProcAddr");
    if (!g_api.vkGetInstanceProcAddr) {
        *why = "Vulkan: libvulkan.so.1 has no vkGetInstanceProcAddr";
        return false;
    }
    auto create = (PFN_vkCreateInstance)g_api.vkGetInstanceProcAddr(VK_NULL_HANDLE, "vkCreateInstance");
    auto version = (PFN_vkEnumerateInstanceVersion)g_api.vkGetInstanceProcAddr(VK_NULL_HANDLE, "vkEnumerateInstanceVersion");
    uint32_t loader_version = VK_API_VERSION_1_0;
    if (version) version(&loader_version);
    if (!create || loader_version < VK_API_VERSION_1_1) {
        *why = "Vulkan: the loader is older than Vulkan 1.1";
        return false;
    }
    VkApplicationInfo app{};
    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
    app.pApplicationName = "hearth";
    app.pEngineName = "hearth";
    // 1.2 where the loader has it: 8-bit storage is core there (devices of
    // 1.1 still work, the effective version is the lower of the two).
    g_api.instance_version = loader_version >= VK_API_VERSION_1_2 ? VK_API_VERSION_1_2 : VK_API_VERSION_1_1;
    app.apiVersion = g_api.instance_version;
    VkInstanceCreateInfo ci{};
    ci.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
    ci.pApplicationInfo = &app;
    const VkResult r = create(&ci, nullptr, &g_api.instance);
    if (r != VK_SUCCESS) {
        *why = r == VK_ERROR_INCOMPATIBLE_DRIVER ? "Vulkan: no device"
                                                 : std::string("Vulkan: vkCreateInstance failed (") + result_name(r) + ")";
        return false;
    }
#define HEARTH_VK_LOAD(name)                                                             \
    g_api.name = (PFN_##name)g_api.vkGetInstanceProcAddr(g_api.instance, #name);         \
    if (!g_api.name) {                                                                   \
        *why = "Vulkan: the loader lacks " #name;                                        \
        return false;                                                                    \
    }
    HEARTH_VK_INSTANCE_FNS(HEARTH_VK_LOAD)
#undef HEARTH_VK_LOAD
    return true;
}

} // namespace

const Api * api(std::string * why) {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_tried) {
        g_tried = true;
        if (!load(&g_why)) g_api.instance = VK_NULL_HANDLE;
    }
    if (g_api.instance == VK_NULL_HANDLE) {
        if (why) *why = g_why;
        return nullptr;
    }
    return &g_api;
}

bool api_load_device_fns(VkDevice device, std::string * why) {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (g_api.vkDestroyDevice) return true;  // already loaded from an earlier device
#define HEARTH_VK_LOAD(name)                                                  \
    g_api.name = (PFN_##name)g_api.vkGetDeviceProcAddr(device, #name);        \
    if (!g_api.name) {                                                        \
        *why = "Vulkan: the driver lacks " #name;                             \
        return false;                                                         \
    }
    HEARTH_VK_DEVICE_FNS(HEARTH_VK_LOAD)
#undef HEARTH_VK_LOAD
    return true;
}

const char * result_name(VkResult r) {
    switch (r) {
    case VK_SUCCESS: return "VK_SUCCESS";
    case VK_NOT_READY: return "VK_NOT_READY";
    case VK_TIMEOUT: return "VK_TIMEOUT";
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_MEMORY_MAP_FAILED: return "VK_ERROR_MEMORY_MAP_FAILED";
    case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER";
    case VK_ERROR_TOO_MANY_OBJECTS: return "VK_ERROR_TOO_MANY_OBJECTS";
    case VK_ERROR_OUT_OF_POOL_MEMORY: return "VK_ERROR_OUT_OF_POOL_MEMORY";
    default: return "VkResult error";
    }
}

} // namespace hearth::vk

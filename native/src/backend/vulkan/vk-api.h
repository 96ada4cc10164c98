// The Vulkan entry points the backend uses, resolved at run time from
// libvulkan.so.1 (dlopen) so that the addon has no link dependency and loads
// where Vulkan is absent. One table per process; instance- and device-level
// functions are fetched through vkGetInstanceProcAddr / vkGetDeviceProcAddr.
#pragma once

#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>

#include <string>

namespace hearth::vk {

#define HEARTH_VK_INSTANCE_FNS(X)                 \
    X(vkDestroyInstance)                          \
    X(vkEnumeratePhysicalDevices)                 \
    X(vkGetPhysicalDeviceProperties)              \
    X(vkGetPhysicalDeviceProperties2)             \
    X(vkGetPhysicalDeviceFeatures2)               \
    X(vkGetPhysicalDeviceMemoryProperties)        \
    X(vkGetPhysicalDeviceMemoryProperties2)       \
    X(vkGetPhysicalDeviceQueueFamilyProperties)   \
    X(vkEnumerateDeviceExtensionProperties)       \
    X(vkCreateDevice)                             \
    X(vkGetDeviceProcAddr)

#define HEARTH_VK_DEVICE_FNS(X)        \
    X(vkDestroyDevice)                 \
    X(vkGetDeviceQueue)                \
    X(vkCreateBuffer)                  \
    X(vkDestroyBuffer)                 \
    X(vkGetBufferMemoryRequirements)   \
    X(vkAllocateMemory)                \
    X(vkFreeMemory)                    \
    X(vkBindBufferMemory)              \
    X(vkMapMemory)                     \
    X(vkUnmapMemory)                   \
    X(vkCreateShaderModule)            \
    X(vkDestroyShaderModule)           \
    X(vkCreateDescriptorSetLayout)     \
    X(vkDestroyDescriptorSetLayout)    \
    X(vkCreatePipelineLayout)          \
    X(vkDestroyPipelineLayout)         \
    X(vkCreateComputePipelines)        \
    X(vkDestroyPipeline)               \
    X(vkCreateDescriptorPool)          \
    X(vkDestroyDescriptorPool)         \
    X(vkResetDescriptorPool)           \
    X(vkAllocateDescriptorSets)        \
    X(vkUpdateDescriptorSets)          \
    X(vkCreateCommandPool)             \
    X(vkDestroyCommandPool)            \
    X(vkAllocateCommandBuffers)        \
    X(vkResetCommandBuffer)            \
    X(vkBeginCommandBuffer)            \
    X(vkEndCommandBuffer)              \
    X(vkCmdBindPipeline)               \
    X(vkCmdBindDescriptorSets)         \
    X(vkCmdPushConstants)              \
    X(vkCmdDispatch)                   \
    X(vkCmdPipelineBarrier)            \
    X(vkCmdCopyBuffer)                 \
    X(vkQueueSubmit)                   \
    X(vkQueueWaitIdle)                 \
    X(vkCreateFence)                   \
    X(vkDestroyFence)                  \
    X(vkWaitForFences)                 \
    X(vkResetFences)                   \
    X(vkDeviceWaitIdle)

struct Api {
    void * lib = nullptr;
    VkInstance instance = VK_NULL_HANDLE;
    uint32_t instance_version = 0;  // the apiVersion the instance was created with (1.1 or 1.2)
    PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr = nullptr;
#define HEARTH_VK_DECLARE(name) PFN_##name name = nullptr;
    HEARTH_VK_INSTANCE_FNS(HEARTH_VK_DECLARE)
    HEARTH_VK_DEVICE_FNS(HEARTH_VK_DECLARE)
#undef HEARTH_VK_DECLARE
};

// The process-wide table with an instance, created on first call. nullptr
// when Vulkan cannot start here; *why then says why ("Vulkan: libvulkan.so.1
// not found", ...). Thread-safe; the result never changes afterwards.
const Api * api(std::string * why);

// Fills the device-level pointers of api for `device` (all devices share one
// table: with a single loader the pointers dispatch through the device handle).
bool api_load_device_fns(VkDevice device, std::string * why);

// "VK_ERROR_OUT_OF_DEVICE_MEMORY" and friends, for messages.
const char * result_name(VkResult r);

} // namespace hearth::vk

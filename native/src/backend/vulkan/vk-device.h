// Vulkan devices for the backend: discovery (probe), one logical device per
// physical device opened on first use and kept for the process, buffers,
// pipelines built from the embedded SPIR-V, and a one-command-buffer
// recorder (begin, dispatch/copy/barrier, submit_wait).
//
// Errors inside the backend are thrown as vk::Error (a HEARTH_BK_E_* code and
// a message); the vtable functions catch them, so none crosses the contract.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "backend/vulkan/vk-api.h"

namespace hearth::vk {

struct Error {
    int code;  // hearth_bk_status
    std::string message;
};
[[noreturn]] void fail(int code, const char * fmt, ...);
// Throws for any VkResult but VK_SUCCESS: OOM -> HEARTH_BK_E_OOM, device
// lost -> HEARTH_BK_E_DEVICE_LOST, else INTERNAL; `what` names the call.
void check(VkResult r, const char * what);

// What probe found about one usable device (Vulkan 1.1+, a compute queue).
struct PhysicalDevice {
    VkPhysicalDevice handle = VK_NULL_HANDLE;
    hearth_device_info info{};
    uint32_t queue_family = 0;
    uint32_t subgroup_size = 0;
    bool subgroup_arithmetic = false;  // in compute shaders
    bool shader_float16 = false, storage_8bit = false, storage_16bit = false;  // reported, see README
    uint64_t max_storage_range = 0;    // bytes one storage-buffer binding may span
    uint32_t max_group_count[3] = {65535, 65535, 65535};
};

// Every usable device, found once. nullptr with *why when there is none.
const std::vector<PhysicalDevice> * physical_devices(std::string * why);

class Device;

// A VkBuffer with its own memory. Host-visible buffers stay mapped.
struct Buffer {
    Device * dev = nullptr;
    VkBuffer buf = VK_NULL_HANDLE;
    VkDeviceMemory mem = VK_NULL_HANDLE;
    uint64_t size = 0;
    void * mapped = nullptr;
    Buffer() = default;
    Buffer(const Buffer &) = delete;
    Buffer & operator=(const Buffer &) = delete;
    ~Buffer();
};
using BufferPtr = std::unique_ptr<Buffer>;

// A storage-buffer binding of a dispatch: a buffer from `offset` to its end
// (clamped to the device's maxStorageBufferRange).
struct Binding {
    const Buffer * buf;
    uint64_t offset = 0;
    Binding(const Buffer * b, uint64_t off = 0) : buf(b), offset(off) {}
    Binding(const BufferPtr & b, uint64_t off = 0) : buf(b.get()), offset(off) {}
};

class Device {
public:
    // Opens device `index` of physical_devices() on first use; throws vk::Error.
    static Device & get(int index);

    const PhysicalDevice & phys() const { return phys_; }
    // Calls that record or submit hold this (recursive: helpers nest).
    std::recursive_mutex & mutex() { return mutex_; }

    BufferPtr alloc(uint64_t bytes, bool host_visible);
    // Synchronous host <-> device copies through the staging buffer.
    void upload(const Buffer & dst, uint64_t offset, const void * src, uint64_t bytes);
    void download(const Buffer & src, uint64_t offset, void * dst, uint64_t bytes);
    // A host-visible buffer of at least `bytes` (grown on demand, reused).
    Buffer & staging(uint64_t bytes);

    // Recording: begin(), then any number of dispatch/copy/barrier, then
    // submit_wait(). A barrier orders everything before it against everything after.
    void begin();
    void dispatch(const char * shader, std::initializer_list<Binding> bindings, const void * push, uint32_t push_bytes,
                  uint32_t gx, uint32_t gy = 1, uint32_t gz = 1);
    void copy(const Buffer & src, uint64_t src_off, const Buffer & dst, uint64_t dst_off, uint64_t bytes);
    void barrier();
    void submit_wait();

    // Whether matmuls reduce with subgroupAdd (device support, and not
    // switched off: tests run the shared-memory fallback this way too).
    bool use_subgroup() const;
    static void set_subgroup_allowed(bool allowed);
    // Whether quantized matmuls load bytes through 8-bit storage (enabled at
    // device creation where reported, and not switched off).
    bool use_8bit() const;
    static void set_8bit_allowed(bool allowed);
    // The same for F16 / BF16 matmuls and 16-bit storage.
    bool use_16bit() const;
    static void set_16bit_allowed(bool allowed);

    // Storage buffers a dispatch binds (attention with sinks, the expert
    // matmul with biases: 5; probe requires the device to allow them) and
    // push-constant bytes (every device allows 128).
    static constexpr int kBindings = 5;
    static constexpr uint32_t kPushBytes = 64;

private:
    explicit Device(const PhysicalDevice & phys);
    ~Device() = default;  // devices live until the process exits
    uint32_t memory_type(uint32_t bits, bool host_visible) const;
    VkPipeline pipeline(const char * shader);
    VkDescriptorSet descriptor_set();

    PhysicalDevice phys_;
    VkDevice device_ = VK_NULL_HANDLE;
    VkQueue queue_ = VK_NULL_HANDLE;
    VkCommandPool cmd_pool_ = VK_NULL_HANDLE;
    VkCommandBuffer cmd_ = VK_NULL_HANDLE;
    VkFence fence_ = VK_NULL_HANDLE;
    VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
    VkPipelineLayout pipe_layout_ = VK_NULL_HANDLE;
    std::vector<VkDescriptorPool> pools_;  // all reset at begin(); one more when full
    size_t pool_cursor_ = 0;
    std::map<std::string, VkPipeline> pipelines_;
    VkPhysicalDeviceMemoryProperties mem_props_{};
    BufferPtr staging_;
    BufferPtr dummy_;   // binds the unused slots of a dispatch
    bool recording_ = false;
    bool storage_8bit_enabled_ = false;
    bool storage_16bit_enabled_ = false;
    std::recursive_mutex mutex_;
    friend struct Buffer;
};

} // namespace hearth::vk

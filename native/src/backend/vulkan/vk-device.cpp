#include "backend/vulkan/vk-device.h"

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "hearth/vk-shaders.h"  // generated at build time (shaders/embed-shaders.js)

namespace hearth::vk {

void fail(int code, const char * fmt, ...) {
    char buf[HEARTH_BK_ERR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    throw Error{code, buf};
}

void check(VkResult r, const char * what) {
    if (r == VK_SUCCESS) return;
    const int code = r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY ? HEARTH_BK_E_OOM
                     : r == VK_ERROR_DEVICE_LOST                                         ? HEARTH_BK_E_DEVICE_LOST
                                                                                         : HEARTH_BK_E_INTERNAL;
    fail(code, "Vulkan: %s failed (%s)", what, result_name(r));
}

namespace {

int device_type_of(VkPhysicalDeviceType t) {
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return HEARTH_DEVICE_GPU_DISCRETE;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return HEARTH_DEVICE_GPU_INTEGRATED;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return HEARTH_DEVICE_GPU_DISCRETE;  // a VM's passthrough/virtio GPU
    default: return HEARTH_DEVICE_GPU_VIRTUAL;  // CPU (lavapipe, SwiftShader) and OTHER
    }
}

bool has_extension(const Api & a, VkPhysicalDevice pd, const char * name) {
    uint32_t n = 0;
    a.vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, nullptr);
    std::vector<VkExtensionProperties> exts(n);
    a.vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, exts.data());
    for (const auto & e : exts) {
        if (std::strcmp(e.extensionName, name) == 0) return true;
    }
    return false;
}

// Fills one PhysicalDevice; false (with the reason) when the backend cannot use it.
bool describe(const Api & a, VkPhysicalDevice pd, PhysicalDevice * out, std::string * why) {
    VkPhysicalDeviceSubgroupProperties sg{};
    sg.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES;
    VkPhysicalDeviceProperties2 props{};
    props.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
    props.pNext = &sg;
    a.vkGetPhysicalDeviceProperties2(pd, &props);
    const VkPhysicalDeviceProperties & p = props.properties;
    if (p.apiVersion < VK_API_VERSION_1_1) {
        *why = std::string(p.deviceName) + " supports only Vulkan 1.0";
        return false;
    }
    uint32_t nq = 0;
    a.vkGetPhysicalDeviceQueueFamilyProperties(pd, &nq, nullptr);
    std::vector<VkQueueFamilyProperties> qf(nq);
    a.vkGetPhysicalDeviceQueueFamilyProperties(pd, &nq, qf.data());
    bool found = false;
    for (uint32_t i = 0; i < nq && !found; ++i) {
        if (qf[i].queueFlags & VK_QUEUE_COMPUTE_BIT) {
            out->queue_family = i;
            found = true;
        }
    }
    if (!found) {
        *why = std::string(p.deviceName) + " has no compute queue";
        return false;
    }
    if (p.limits.maxPerStageDescriptorStorageBuffers < (uint32_t)Device::kBindings) {
        *why = std::string(p.deviceName) + " allows " + std::to_string(p.limits.maxPerStageDescriptorStorageBuffers) +
               " storage buffers per shader, fewer than the " + std::to_string(Device::kBindings) + " the backend binds";
        return false;
    }
    out->handle = pd;
    out->subgroup_size = sg.subgroupSize;
    out->subgroup_arithmetic = (sg.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) &&
                               (sg.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT);
    out->max_storage_range = p.limits.maxStorageBufferRange;
    for (int i = 0; i < 3; ++i) out->max_group_count[i] = p.limits.maxComputeWorkGroupCount[i];

    VkPhysicalDevice16BitStorageFeatures s16{};
    s16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES;
    VkPhysicalDeviceVulkan12Features v12{};
    v12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
    VkPhysicalDeviceFeatures2 feats{};
    feats.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
    feats.pNext = &s16;
    const bool core12 = p.apiVersion >= VK_API_VERSION_1_2 && a.instance_version >= VK_API_VERSION_1_2;
    if (core12) s16.pNext = &v12;
    a.vkGetPhysicalDeviceFeatures2(pd, &feats);
    out->storage_16bit = s16.storageBuffer16BitAccess;
    out->storage_8bit = v12.storageBuffer8BitAccess;
    out->shader_float16 = v12.shaderFloat16;

    VkPhysicalDeviceMemoryBudgetPropertiesEXT budget{};
    budget.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT;
    VkPhysicalDeviceMemoryProperties2 mem{};
    mem.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2;
    const bool has_budget = has_extension(a, pd, VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
    if (has_budget) mem.pNext = &budget;
    a.vkGetPhysicalDeviceMemoryProperties2(pd, &mem);
    uint64_t total = 0, free_bytes = 0;
    for (uint32_t h = 0; h < mem.memoryProperties.memoryHeapCount; ++h) {
        if (!(mem.memoryProperties.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)) continue;
        if (mem.memoryProperties.memoryHeaps[h].size > total) {
            total = mem.memoryProperties.memoryHeaps[h].size;
            free_bytes = has_budget && budget.heapBudget[h] > budget.heapUsage[h] ? budget.heapBudget[h] - budget.heapUsage[h] : 0;
        }
    }

    hearth_device_info & info = out->info;
    std::snprintf(info.name, sizeof info.name, "%.127s", p.deviceName);
    info.type = device_type_of(p.deviceType);
    info.total_memory = total;
    info.free_memory = free_bytes;
    std::snprintf(info.detail, sizeof info.detail, "Vulkan %u.%u.%u, subgroup %u%s%s%s%s",
                  VK_API_VERSION_MAJOR(p.apiVersion), VK_API_VERSION_MINOR(p.apiVersion),
                  VK_API_VERSION_PATCH(p.apiVersion), sg.subgroupSize, out->subgroup_arithmetic ? " arith" : "",
                  out->shader_float16 ? ", fp16" : "", out->storage_16bit ? ", 16-bit storage" : "",
                  out->storage_8bit ? ", 8-bit storage" : "");
    return true;
}

std::atomic<bool> g_subgroup_allowed{true};
std::atomic<bool> g_8bit_allowed{true};
std::atomic<bool> g_16bit_allowed{true};

} // namespace

const std::vector<PhysicalDevice> * physical_devices(std::string * why) {
    static std::mutex mutex;
    static bool done = false;
    static std::vector<PhysicalDevice> list;
    static std::string reason;
    std::lock_guard<std::mutex> lock(mutex);
    if (!done) {
        done = true;
        const Api * a = api(&reason);
        if (a) {
            uint32_t n = 0;
            a->vkEnumeratePhysicalDevices(a->instance, &n, nullptr);
            std::vector<VkPhysicalDevice> pds(n);
            if (n) a->vkEnumeratePhysicalDevices(a->instance, &n, pds.data());
            std::string skipped;
            for (VkPhysicalDevice pd : pds) {
                PhysicalDevice d;
                std::string w;
                if (describe(*a, pd, &d, &w)) list.push_back(d);
                else skipped = w;
            }
            if (list.empty()) reason = skipped.empty() ? "Vulkan: no device" : "Vulkan: no usable device (" + skipped + ")";
        }
    }
    if (list.empty()) {
        if (why) *why = reason;
        return nullptr;
    }
    return &list;
}

Buffer::~Buffer() {
    if (!dev) return;
    const Api & a = *api(nullptr);
    if (mapped) a.vkUnmapMemory(dev->device_, mem);
    if (buf) a.vkDestroyBuffer(dev->device_, buf, nullptr);
    if (mem) a.vkFreeMemory(dev->device_, mem, nullptr);
}

Device & Device::get(int index) {
    static std::mutex mutex;
    static std::map<int, Device *> opened;
    std::string why;
    const std::vector<PhysicalDevice> * list = physical_devices(&why);
    if (!list) fail(HEARTH_BK_E_UNAVAILABLE, "%s", why.c_str());
    if (index < 0 || index >= (int)list->size()) {
        fail(HEARTH_BK_E_UNAVAILABLE, "Vulkan: device %d does not exist (%zu found)", index, list->size());
    }
    std::lock_guard<std::mutex> lock(mutex);
    Device *& d = opened[index];
    if (!d) d = new Device((*list)[(size_t)index]);  // kept for the process: stages may outlive any owner
    return *d;
}

Device::Device(const PhysicalDevice & phys) : phys_(phys) {
    const Api & a = *api(nullptr);
    const float prio = 1.0f;
    VkDeviceQueueCreateInfo qci{};
    qci.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
    qci.queueFamilyIndex = phys.queue_family;
    qci.queueCount = 1;
    qci.pQueuePriorities = &prio;
    // 8-bit storage is core in Vulkan 1.2 (storage_8bit is only set there).
    VkPhysicalDeviceVulkan12Features v12{};
    v12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
    v12.storageBuffer8BitAccess = VK_TRUE;
    VkPhysicalDevice16BitStorageFeatures s16{};
    s16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES;
    s16.storageBuffer16BitAccess = VK_TRUE;
    VkDeviceCreateInfo dci{};
    dci.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
    const void ** tail = &dci.pNext;
    if (phys.storage_8bit) {
        *tail = &v12;
        tail = const_cast<const void **>(&v12.pNext);
        storage_8bit_enabled_ = true;
    }
    if (phys.storage_16bit) {  // a Vulkan 1.1 feature
        *tail = &s16;
        storage_16bit_enabled_ = true;
    }
    dci.queueCreateInfoCount = 1;
    dci.pQueueCreateInfos = &qci;
    check(a.vkCreateDevice(phys.handle, &dci, nullptr, &device_), "vkCreateDevice");
    std::string why;
    if (!api_load_device_fns(device_, &why)) fail(HEARTH_BK_E_UNAVAILABLE, "%s", why.c_str());
    a.vkGetDeviceQueue(device_, phys.queue_family, 0, &queue_);
    a.vkGetPhysicalDeviceMemoryProperties(phys.handle, &mem_props_);

    VkCommandPoolCreateInfo cpi{};
    cpi.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
    cpi.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    cpi.queueFamilyIndex = phys.queue_family;
    check(a.vkCreateCommandPool(device_, &cpi, nullptr, &cmd_pool_), "vkCreateCommandPool");
    VkCommandBufferAllocateInfo cai{};
    cai.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
    cai.commandPool = cmd_pool_;
    cai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    cai.commandBufferCount = 1;
    check(a.vkAllocateCommandBuffers(device_, &cai, &cmd_), "vkAllocateCommandBuffers");
    VkFenceCreateInfo fci{};
    fci.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
    check(a.vkCreateFence(device_, &fci, nullptr, &fence_), "vkCreateFence");

    VkDescriptorSetLayoutBinding b[kBindings]{};
    for (int i = 0; i < kBindings; ++i) {
        b[i].binding = (uint32_t)i;
        b[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        b[i].descriptorCount = 1;
        b[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    }
    VkDescriptorSetLayoutCreateInfo dli{};
    dli.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
    dli.bindingCount = kBindings;
    dli.pBindings = b;
    check(a.vkCreateDescriptorSetLayout(device_, &dli, nullptr, &set_layout_), "vkCreateDescriptorSetLayout");
    VkPushConstantRange pcr{};
    pcr.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
    pcr.size = kPushBytes;
    VkPipelineLayoutCreateInfo pli{};
    pli.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
    pli.setLayoutCount = 1;
    pli.pSetLayouts = &set_layout_;
    pli.pushConstantRangeCount = 1;
    pli.pPushConstantRanges = &pcr;
    check(a.vkCreatePipelineLayout(device_, &pli, nullptr, &pipe_layout_), "vkCreatePipelineLayout");
    dummy_ = alloc(256, false);
}

uint32_t Device::memory_type(uint32_t bits, bool host_visible) const {
    // Host-visible: prefer coherent + cached (downloads read it). Device: prefer device-local.
    const VkMemoryPropertyFlags want = host_visible ? (VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT)
                                                    : VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
    const VkMemoryPropertyFlags nice = host_visible ? VK_MEMORY_PROPERTY_HOST_CACHED_BIT : 0;
    int best = -1;
    for (uint32_t i = 0; i < mem_props_.memoryTypeCount; ++i) {
        if (!(bits & (1u << i))) continue;
        const VkMemoryPropertyFlags f = mem_props_.memoryTypes[i].propertyFlags;
        if ((f & want) != want) continue;
        if ((f & nice) == nice) return i;
        if (best < 0) best = (int)i;
    }
    if (best < 0 && !host_visible) {  // no device-local type for this buffer: any type will do
        for (uint32_t i = 0; i < mem_props_.memoryTypeCount; ++i) {
            if (bits & (1u << i)) return i;
        }
    }
    if (best < 0) fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: no %s memory type", host_visible ? "host-visible" : "device");
    return (uint32_t)best;
}

BufferPtr Device::alloc(uint64_t bytes, bool host_visible) {
    const Api & a = *api(nullptr);
    // Sizes beyond every heap are refused here: drivers' behaviour past their
    // limits is undefined, and this is the common out-of-memory case.
    uint64_t largest_heap = 0;
    for (uint32_t h = 0; h < mem_props_.memoryHeapCount; ++h) largest_heap = std::max<uint64_t>(largest_heap, mem_props_.memoryHeaps[h].size);
    if (bytes > largest_heap) {
        fail(HEARTH_BK_E_OOM, "Vulkan: %llu bytes exceed the device's largest memory heap (%llu)", (unsigned long long)bytes,
             (unsigned long long)largest_heap);
    }
    BufferPtr b = std::make_unique<Buffer>();
    b->dev = this;
    b->size = bytes ? bytes : 4;
    VkBufferCreateInfo bci{};
    bci.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
    bci.size = b->size;
    bci.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    bci.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    check(a.vkCreateBuffer(device_, &bci, nullptr, &b->buf), "vkCreateBuffer");
    VkMemoryRequirements req;
    a.vkGetBufferMemoryRequirements(device_, b->buf, &req);
    VkMemoryAllocateInfo mai{};
    mai.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    mai.allocationSize = req.size;
    mai.memoryTypeIndex = memory_type(req.memoryTypeBits, host_visible);
    check(a.vkAllocateMemory(device_, &mai, nullptr, &b->mem), "vkAllocateMemory");
    check(a.vkBindBufferMemory(device_, b->buf, b->mem, 0), "vkBindBufferMemory");
    if (host_visible) check(a.vkMapMemory(device_, b->mem, 0, VK_WHOLE_SIZE, 0, &b->mapped), "vkMapMemory");
    return b;
}

Buffer & Device::staging(uint64_t bytes) {
    if (!staging_ || staging_->size < bytes) {
        staging_.reset();
        staging_ = alloc(std::max<uint64_t>(bytes, 1 << 20), true);
    }
    return *staging_;
}

void Device::upload(const Buffer & dst, uint64_t offset, const void * src, uint64_t bytes) {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    if (offset + bytes > dst.size) fail(HEARTH_BK_E_INTERNAL, "Vulkan: upload past the end of a buffer");
    const uint64_t chunk = 64ull << 20;
    for (uint64_t done = 0; done < bytes;) {
        const uint64_t n = std::min(chunk, bytes - done);
        Buffer & st = staging(std::min(chunk, bytes));
        std::memcpy(st.mapped, (const char *)src + done, n);
        begin();
        copy(st, 0, dst, offset + done, n);
        submit_wait();
        done += n;
    }
}

void Device::download(const Buffer & src, uint64_t offset, void * dst, uint64_t bytes) {
    std::lock_guard<std::recursive_mutex> lock(mutex_);
    if (offset + bytes > src.size) fail(HEARTH_BK_E_INTERNAL, "Vulkan: download past the end of a buffer");
    const uint64_t chunk = 64ull << 20;
    for (uint64_t done = 0; done < bytes;) {
        const uint64_t n = std::min(chunk, bytes - done);
        Buffer & st = staging(std::min(chunk, bytes));
        begin();
        copy(src, offset + done, st, 0, n);
        submit_wait();
        std::memcpy((char *)dst + done, st.mapped, n);
        done += n;
    }
}

VkPipeline Device::pipeline(const char * shader) {
    auto it = pipelines_.find(shader);
    if (it != pipelines_.end()) return it->second;
    const ShaderBlob * blob = nullptr;
    for (const ShaderBlob & b : kShaderBlobs) {
        if (std::strcmp(b.name, shader) == 0) blob = &b;
    }
    if (!blob) fail(HEARTH_BK_E_INTERNAL, "Vulkan: no embedded shader '%s'", shader);
    const Api & a = *api(nullptr);
    VkShaderModuleCreateInfo smi{};
    smi.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
    smi.codeSize = blob->bytes;
    smi.pCode = blob->code;
    VkShaderModule mod;
    check(a.vkCreateShaderModule(device_, &smi, nullptr, &mod), "vkCreateShaderModule");
    VkComputePipelineCreateInfo pci{};
    pci.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
    pci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    pci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    pci.stage.module = mod;
    pci.stage.pName = "main";
    // Subgroup variants (name ends in "_sg"): workgroup size = the subgroup size
    // (specialization constant 0), so one subgroupAdd reduces a row.
    const size_t len = std::strlen(shader);
    const uint32_t sg = phys_.subgroup_size >= 4 && phys_.subgroup_size <= 128 ? phys_.subgroup_size : 32;
    VkSpecializationMapEntry entry{0, 0, sizeof(uint32_t)};
    VkSpecializationInfo spec{1, &entry, sizeof sg, &sg};
    if (len > 3 && std::strcmp(shader + len - 3, "_sg") == 0) pci.stage.pSpecializationInfo = &spec;  // "..._sg" last
    pci.layout = pipe_layout_;
    VkPipeline p;
    const VkResult r = a.vkCreateComputePipelines(device_, VK_NULL_HANDLE, 1, &pci, nullptr, &p);
    a.vkDestroyShaderModule(device_, mod, nullptr);
    check(r, "vkCreateComputePipelines");
    pipelines_[shader] = p;
    return p;
}

VkDescriptorSet Device::descriptor_set() {
    const Api & a = *api(nullptr);
    for (;;) {
        if (pool_cursor_ == pools_.size()) {
            VkDescriptorPoolSize ps{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1024 * kBindings};
            VkDescriptorPoolCreateInfo dpi{};
            dpi.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
            dpi.maxSets = 1024;
            dpi.poolSizeCount = 1;
            dpi.pPoolSizes = &ps;
            VkDescriptorPool pool;
            check(a.vkCreateDescriptorPool(device_, &dpi, nullptr, &pool), "vkCreateDescriptorPool");
            pools_.push_back(pool);
        }
        VkDescriptorSetAllocateInfo dai{};
        dai.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
        dai.descriptorPool = pools_[pool_cursor_];
        dai.descriptorSetCount = 1;
        dai.pSetLayouts = &set_layout_;
        VkDescriptorSet set;
        const VkResult r = a.vkAllocateDescriptorSets(device_, &dai, &set);
        if (r == VK_SUCCESS) return set;
        if (r != VK_ERROR_OUT_OF_POOL_MEMORY && r != VK_ERROR_FRAGMENTED_POOL) check(r, "vkAllocateDescriptorSets");
        ++pool_cursor_;  // this pool is full: the next one (created when missing)
    }
}

void Device::begin() {
    const Api & a = *api(nullptr);
    // A recording abandoned by an error is simply reset here.
    for (VkDescriptorPool p : pools_) a.vkResetDescriptorPool(device_, p, 0);
    pool_cursor_ = 0;
    check(a.vkResetCommandBuffer(cmd_, 0), "vkResetCommandBuffer");
    VkCommandBufferBeginInfo bi{};
    bi.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
    bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    check(a.vkBeginCommandBuffer(cmd_, &bi), "vkBeginCommandBuffer");
    recording_ = true;
}

void Device::dispatch(const char * shader, std::initializer_list<Binding> bindings, const void * push,
                      uint32_t push_bytes, uint32_t gx, uint32_t gy, uint32_t gz) {
    const Api & a = *api(nullptr);
    if (gx == 0 || gy == 0 || gz == 0) return;
    if (gx > phys_.max_group_count[0] || gy > phys_.max_group_count[1] || gz > phys_.max_group_count[2]) {
        fail(HEARTH_BK_E_UNSUPPORTED, "Vulkan: %s needs %ux%ux%u workgroups, more than the device allows", shader, gx, gy, gz);
    }
    VkPipeline p = pipeline(shader);
    VkDescriptorSet set = descriptor_set();
    VkDescriptorBufferInfo infos[kBindings];
    VkWriteDescriptorSet writes[kBindings];
    int i = 0;
    auto fill = [&](const Buffer * b, uint64_t off) {
        infos[i].buffer = b->buf;
        infos[i].offset = off;
        infos[i].range = std::min<uint64_t>(b->size - off, phys_.max_storage_range);
        writes[i] = VkWriteDescriptorSet{};
        writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
        writes[i].dstSet = set;
        writes[i].dstBinding = (uint32_t)i;
        writes[i].descriptorCount = 1;
        writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
        writes[i].pBufferInfo = &infos[i];
        ++i;
    };
    for (const Binding & b : bindings) fill(b.buf, b.offset);
    while (i < kBindings) fill(dummy_.get(), 0);
    a.vkUpdateDescriptorSets(device_, kBindings, writes, 0, nullptr);
    a.vkCmdBindPipeline(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, p);
    a.vkCmdBindDescriptorSets(cmd_, VK_PIPELINE_BIND_POINT_COMPUTE, pipe_layout_, 0, 1, &set, 0, nullptr);
    uint8_t pc[kPushBytes] = {};
    std::memcpy(pc, push, std::min(push_bytes, kPushBytes));
    a.vkCmdPushConstants(cmd_, pipe_layout_, VK_SHADER_STAGE_COMPUTE_BIT, 0, kPushBytes, pc);
    a.vkCmdDispatch(cmd_, gx, gy, gz);
}

void Device::copy(const Buffer & src, uint64_t src_off, const Buffer & dst, uint64_t dst_off, uint64_t bytes) {
    if (!bytes) return;
    VkBufferCopy region{src_off, dst_off, bytes};
    api(nullptr)->vkCmdCopyBuffer(cmd_, src.buf, dst.buf, 1, &region);
}

void Device::barrier() {
    VkMemoryBarrier mb{};
    mb.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
    mb.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    mb.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT |
                       VK_ACCESS_TRANSFER_WRITE_BIT;
    const VkPipelineStageFlags stages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
    api(nullptr)->vkCmdPipelineBarrier(cmd_, stages, stages, 0, 1, &mb, 0, nullptr, 0, nullptr);
}

void Device::submit_wait() {
    const Api & a = *api(nullptr);
    recording_ = false;
    check(a.vkEndCommandBuffer(cmd_), "vkEndCommandBuffer");
    VkSubmitInfo si{};
    si.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
    si.commandBufferCount = 1;
    si.pCommandBuffers = &cmd_;
    check(a.vkQueueSubmit(queue_, 1, &si, fence_), "vkQueueSubmit");
    const VkResult r = a.vkWaitForFences(device_, 1, &fence_, VK_TRUE, UINT64_MAX);
    a.vkResetFences(device_, 1, &fence_);
    check(r, "vkWaitForFences");
}

bool Device::use_subgroup() const { return phys_.subgroup_arithmetic && g_subgroup_allowed.load(); }
void Device::set_subgroup_allowed(bool allowed) { g_subgroup_allowed.store(allowed); }
bool Device::use_8bit() const { return storage_8bit_enabled_ && g_8bit_allowed.load(); }
void Device::set_8bit_allowed(bool allowed) { g_8bit_allowed.store(allowed); }
bool Device::use_16bit() const { return storage_16bit_enabled_ && g_16bit_allowed.load(); }
void Device::set_16bit_allowed(bool allowed) { g_16bit_allowed.store(allowed); }

} // namespace hearth::vk

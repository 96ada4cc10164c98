// Compiled only when the Vulkan backend (backend/vulkan/) is not part of the
// build (gyp variable hearth_vulkan == 0).
#include "backend/unavailable-backend.h"

HEARTH_UNAVAILABLE_BACKEND(hearth_backend_vulkan, "vulkan", "not built")

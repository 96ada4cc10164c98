// Compiled only when nvcc was not found at configure time (gyp variable
// hearth_cuda == 0): the addon then has no CUDA code and says so.
#include "backend/unavailable-backend.h"

HEARTH_UNAVAILABLE_BACKEND(hearth_backend_cuda, "cuda", "not built (no nvcc when this addon was compiled)")

#include "napi/modules.h"

namespace hearth::napi {

void init_model(Napi::Env env, Napi::Object exports) {
}

} // namespace hearth::napi

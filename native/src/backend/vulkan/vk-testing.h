// Op-level entry points for tests (native/napi/js-vulkan.cpp): each runs one
// op on Vulkan device 0 with host inputs and outputs, synchronously. They
// return 0 or a HEARTH_BK_E_* code with the message in err (HEARTH_BK_ERR_LEN).
// Built into every addon; without Vulkan they return HEARTH_BK_E_UNAVAILABLE.
#pragma once

#include <cstdint>

namespace hearth::vk_test {

bool built();
// false: matmuls reduce through shared memory even where subgroups exist.
void set_subgroup_allowed(bool allowed);
bool subgroup_in_use();
// false: quantized matmuls read bytes out of 32-bit words even with 8-bit storage.
void set_8bit_allowed(bool allowed);
bool bytes8_in_use();
// false: F16 / BF16 matmuls read halves out of 32-bit words even with 16-bit storage.
void set_16bit_allowed(bool allowed);
bool halves16_in_use();

// Stages created from now on split the experts' work into chunks of at most
// `tokens` tokens and their weights into buffers of at most `experts` experts (0: no test limit).
void set_moe_limits(int64_t tokens, int64_t experts);

// y[n][m] = x[n][k] . W[m][k]^T, W in ggml type `type`
int matmul(int type, const void * W, int64_t m, int64_t k, const float * x, int64_t n, float * y, char * err);
int rms_norm(const float * x, int64_t rows, int64_t n, const float * w, float eps, float * out, char * err);
// op: 0 add, 1 mul, 2 swiglu, 6 gpt-oss's clipped SwiGLU; b broadcast with period b_len
int eltwise(int op, const float * a, const float * b, int64_t b_len, int64_t n, float * out, char * err);
int softmax(float * x, int64_t rows, int64_t n, char * err);
// x[n_tok][n_head][head_dim] in place, positions pos0..
int rope(float * x, int64_t n_tok, int64_t n_head, int64_t head_dim, int64_t n_rot, int64_t pos0, float base,
         float scale, bool neox, const float * freqs, char * err);
// k, v: F16 caches [n_kv][n_head_kv][head_dim] with n_kv = pos0 + n; q, out [n][n_head][head_dim];
// sinks [n_head] or null
int attention(const float * q, const uint16_t * k, const uint16_t * v, float * out, int64_t n, int64_t n_head,
              int64_t n_head_kv, int64_t head_dim, int64_t pos0, float scale, const float * sinks, char * err);
// cache[n_ctx][row] (in/out, F16): rows pos0 .. pos0+n-1 overwritten with f16(src)
int kv_store(const float * src, int64_t n, int64_t row, int64_t pos0, int64_t n_ctx, uint16_t * cache, char * err);

} // namespace hearth::vk_test

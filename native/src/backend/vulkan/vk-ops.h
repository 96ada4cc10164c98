// The backend's ops as recorders: each appends one or more dispatches to the
// device's open command buffer (between Device::begin and submit_wait) and
// adds no barrier; callers put Device::barrier() between dependent ops.
// Shapes are row-major f32 unless said otherwise.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "backend/vulkan/vk-device.h"
#include "cpu/cpu-ops.h"

namespace hearth::vk {

// W[rows][cols] in its GGUF format, split by rows into buffers that each fit
// one storage binding (maxStorageBufferRange).
struct GpuMatrix {
    int type = 0;
    int64_t rows = 0, cols = 0;
    uint64_t row_bytes = 0;
    struct Chunk {
        BufferPtr buf;
        int64_t row0 = 0, rows = 0;
    };
    std::vector<Chunk> chunks;
    uint64_t bytes = 0;
};

// The weight formats the matmul shaders read: F32, F16, BF16, Q8_0, Q4_0, Q4_1,
// Q5_0, Q5_1, Q4_K, Q5_K, Q6_K, MXFP4.
bool matmul_supported(int type);
// The name of the matmul variant (matmul.comp, embed-shaders.js) for a format
// and the device's loads/reduction; experts: the MoE form. "": no kernel.
std::string matmul_shader(int type, bool subgroup, bool bytes8, bool halves16, bool single_token, bool experts);
constexpr uint32_t kMatmulTokens = 8;  // NT in matmul.comp (tokens, or pairs of an expert tile, per workgroup)
constexpr uint32_t kMatmulRows = 4;    // RPW in matmul.comp
// u32(v) or an UNSUPPORTED error naming `what` when v does not fit a shader's 32-bit index.
uint32_t u32(int64_t v, const char * what);
// Splits `groups` workgroups over x and y (x at most 65535, the minimum every device allows).
void split_groups(uint64_t groups, uint32_t * gx, uint32_t * gy);
GpuMatrix upload_matrix(Device & dev, const hearth_weight & w);
BufferPtr upload_f32(Device & dev, const float * data, int64_t n);

// y[n][W.rows] = x[n][W.cols] . W^T
void rec_matmul(Device & dev, const GpuMatrix & W, const Buffer & x, int64_t n, const Buffer & y);
// out[r][0..n) = rms_norm(x[in_row0 + r]) * w, r < rows (w may be null); out may be x.
void rec_rms_norm(Device & dev, const Buffer & x, int64_t in_row0, int64_t rows, int64_t n, const Buffer * w, float eps,
                  const Buffer & out);
// The same, or with layer: LayerNorm (mean-centred) plus the bias b (may be null).
void rec_norm(Device & dev, const Buffer & x, int64_t in_row0, int64_t rows, int64_t n, const Buffer * w, const Buffer * b,
              bool layer, float eps, const Buffer & out);
// ELT_GEGLU: gelu(a) * b; ELT_GELU: gelu(a); ELT_SOFTCAP: b * tanh(a / b); ELT_SWIGLU_OAI: gpt-oss's clipped
// SwiGLU of gate a and up b. GELU rounds like the CPU's (eltwise.comp).
enum EltOp { ELT_ADD = 0, ELT_MUL = 1, ELT_SWIGLU = 2, ELT_GEGLU = 3, ELT_GELU = 4, ELT_SOFTCAP = 5, ELT_SWIGLU_OAI = 6 };
// out[i] = op(a[i], b[i % b_len]), i < n; out may be a.
void rec_eltwise(Device & dev, EltOp op, const Buffer & a, const Buffer & b, int64_t b_len, const Buffer & out, int64_t n);
// x[n_tok][n_head][head_dim] rotated in place by cs[n_tok][n_rot/2] (cos, sin): see rope_table.
void rec_rope(Device & dev, const Buffer & x, const Buffer & cs, int64_t n_tok, int64_t n_head, int64_t head_dim,
              int64_t n_rot, bool neox);
// cache[pos0 + t][0..row) = f16(src[t][0..row)), t < n
void rec_kv_store(Device & dev, const Buffer & src, const Buffer & cache, int64_t n, int64_t row, int64_t pos0);
// out[t][h] = causal GQA attention of q[t][h] over the F16 caches (positions 0 .. pos0 + t;
// window > 0: only the last window of them), scores soft-capped when softcap > 0,
// sinks [n_head] (or null): a per-head logit in each softmax's denominator
void rec_attention(Device & dev, const Buffer & q, const Buffer & k, const Buffer & v, const Buffer & out, int64_t n,
                   int64_t n_head, int64_t n_head_kv, int64_t head_dim, int64_t pos0, float scale, int64_t window = 0,
                   float softcap = 0.0f, const Buffer * sinks = nullptr);
// x[rows][n] = softmax per row, in place
void rec_softmax(Device & dev, const Buffer & x, int64_t rows, int64_t n);

// cs[t][i] = (cos, sin) of (pos0 + t) * freq_scale * base^(-2i/n_rot) / freqs[i]
// (YaRN-mixed and times its mscale when yarn is given, else times mscale:
// LongRoPE's attention factor), the angles of cpu_rope (cpu/cpu-ops.h
// rope_angle), for t < n, i < n_rot/2.
void rope_table(std::vector<float> & cs, int64_t pos0, int64_t n, int64_t n_rot, float freq_base, float freq_scale,
                const float * freqs, const RopeYarn * yarn = nullptr, float mscale = 1.0f);

} // namespace hearth::vk

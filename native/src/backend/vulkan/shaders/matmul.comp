// y[t][y_col0 + r] = sum_j x[t][j] * W[r][j] for rows r < rows of one weight
// chunk, tokens t0 .. t0+NT-1 (NT per workgroup: the matrix-matrix form
// dequantizes each weight once per NT tokens; n = 1 is the matrix-vector form).
//
// W is read as raw bytes through a uint array, so no 8/16-bit storage feature
// is needed and any block size (34, 18, 210 bytes) works; USE_8BIT variants
// (block formats) and USE_16BIT variants (F16, BF16) load bytes / halves
// directly where the device allows. One workgroup per
// RPW rows; its threads split each row into 32-element units and reduce at the end
// (subgroupAdd when USE_SUBGROUP, else shared memory).
//
// Format: exactly one of FMT_F32, FMT_F16, FMT_BF16, FMT_Q8_0, FMT_Q4_0, FMT_Q4_1,
// FMT_Q5_0, FMT_Q5_1, FMT_Q4_K, FMT_Q5_K, FMT_Q6_K, FMT_MXFP4.
//
// MOE: the experts' form. W is a chunk of experts [e0, e1) stacked in one
// tensor ([n_expert][rows][k]); workgroup z is a tile of moe_tiles.comp: up
// to NT (token, slot) pairs routed to one expert, so that expert's rows are
// dequantized once for all of them. Pair q reads x row (q - x_pair0) / x_div
// (x_div = n_expert_used when x holds tokens, 1 when it holds pairs) and
// writes y row q - y_pair0, plus that expert's bias row when has_bias.
#version 450
#extension GL_GOOGLE_include_directive : require
#ifdef USE_SUBGROUP
#extension GL_KHR_shader_subgroup_arithmetic : require
#endif

#ifdef SINGLE_TOKEN
#define NT 1  // the matrix-vector form (generation): one accumulator, no dynamic indexing
#else
#define NT 8
#endif
#define RPW 4  // rows per workgroup
#ifdef USE_SUBGROUP
// The workgroup is one subgroup where the host sets WG to the device's
// subgroup size (specialization constant 0): subgroupAdd alone then reduces,
// with no barrier (CPU drivers run barriers as context switches).
layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 32;
#define MAX_SUBGROUPS 32
#else
#define WG 32
layout(local_size_x = WG) in;
#endif

#ifdef USE_8BIT
// Byte loads where the device has storageBuffer8BitAccess (quantized formats).
#extension GL_EXT_shader_8bit_storage : require
layout(std430, binding = 0) readonly buffer Wbuf { uint8_t wb[]; };  // weight chunk bytes
#if defined(FMT_F32) || defined(FMT_F16) || defined(FMT_BF16)
#error "USE_8BIT is for the quantized formats"
#endif
#elif defined(USE_16BIT)
// Half loads where the device has storageBuffer16BitAccess (F16, BF16).
#extension GL_EXT_shader_16bit_storage : require
#if defined(FMT_F16)
layout(std430, binding = 0) readonly buffer Wbuf { float16_t wh[]; };
#elif defined(FMT_BF16)
layout(std430, binding = 0) readonly buffer Wbuf { uint16_t wh[]; };
#else
#error "USE_16BIT is for F16 and BF16"
#endif
#else
layout(std430, binding = 0) readonly buffer Wbuf { uint w[]; };    // weight chunk bytes
#endif
layout(std430, binding = 1) readonly buffer Xbuf { float x[]; };   // [n][k]
layout(std430, binding = 2) buffer Ybuf { float y[]; };            // [n][y_stride]

#ifdef MOE
#define TILE_WORDS 10  // a tile: expert, pair count, up to 8 pair indices (moe_tiles.comp)
layout(std430, binding = 3) readonly buffer Tbuf { uint tiles[]; };
layout(std430, binding = 4) readonly buffer Bbuf { float bias[]; };  // [n_expert][rows], read when has_bias
layout(push_constant) uniform Params {
    uint rows;       // rows of one expert (the output row length)
    uint k;          // columns (ggml ne0)
    uint row_bytes;  // bytes per row in the file format
    uint wg_x;       // workgroups along x (first row = (wg.x + wg.y * wg_x) * RPW)
    uint e0, e1;     // the experts in this weight chunk
    uint x_div, x_pair0, y_pair0;
    uint has_bias;
} p;
#else
layout(push_constant) uniform Params {
    uint rows;       // rows in this chunk
    uint k;          // columns (ggml ne0)
    uint n;          // tokens
    uint row_bytes;  // bytes per row in the file format
    uint y_col0;     // first output column of this chunk
    uint y_stride;   // output row length (all rows of the matrix)
    uint wg_x;       // workgroups along x (first row = (wg.x + wg.y * wg_x) * RPW)
} p;
#endif

#ifndef USE_16BIT
#include "bytes.glsl"  // byte readers of w[] / wb[] (the F16/BF16 half loads need none)
#endif

#ifdef USE_SUBGROUP
shared float part[MAX_SUBGROUPS][NT];  // per-subgroup partial sums
#else
shared float red[WG][NT];
#endif

float acc[NT];

#if defined(FMT_Q4_K) || defined(FMT_Q5_K)
// Scale and min of sub-block j (6 bits each) from the 12 packed bytes at sb.
void k4_scale_min(uint sb, uint j, out uint sc, out uint m) {
    if (j < 4) {
        sc = rd_u8(sb + j) & 63u;
        m = rd_u8(sb + j + 4) & 63u;
    } else {
        sc = (rd_u8(sb + j + 4) & 15u) | ((rd_u8(sb + j - 4) >> 6) << 4);
        m = (rd_u8(sb + j + 4) >> 4) | ((rd_u8(sb + j) >> 6) << 4);
    }
}
#endif
#if defined(FMT_Q5_0) || defined(FMT_Q5_1)
uint rd_u32(uint off) { return rd_u8(off) | (rd_u8(off + 1) << 8) | (rd_u8(off + 2) << 16) | (rd_u8(off + 3) << 24); }
#endif
#ifdef FMT_MXFP4
// E2M1 values times 2 (blocks.h MXFP4_VALUES); the block's e8m0 byte e scales them by 2^(e - 128).
const float MXFP4_V[16] = float[16](0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 0.0, -1.0, -2.0, -3.0, -4.0, -6.0, -8.0, -12.0);
#endif
uint nt;
#ifdef MOE
uint tile_at, tile_e;  // this workgroup's tile (word offset) and its expert
uint xoff[NT];         // where each pair's x row starts
float x_at(uint t, uint col) { return x[xoff[t] + col]; }
uint y_at(uint t, uint r) { return (tiles[tile_at + 2 + t] - p.y_pair0) * p.rows + r; }
float y_bias(uint r) { return p.has_bias != 0 ? bias[tile_e * p.rows + r] : 0.0; }
#else
uint t0;
float x_at(uint t, uint col) { return x[(t0 + t) * p.k + col]; }
uint y_at(uint t, uint r) { return (t0 + t) * p.y_stride + p.y_col0 + r; }
float y_bias(uint r) { return 0.0; }
#endif

void fma_x(uint col, float wv) {
    for (uint t = 0; t < nt; ++t) acc[t] += wv * x_at(t, col);
}

void main() {
#ifdef MOE
    tile_at = gl_WorkGroupID.z * TILE_WORDS;
    tile_e = tiles[tile_at];
    nt = min(uint(NT), tiles[tile_at + 1]);
    // Empty tiles (the grid covers the most tiles a batch can need) and other
    // chunks' experts: the whole workgroup leaves before any barrier.
    if (nt == 0 || tile_e < p.e0 || tile_e >= p.e1) return;
    for (uint t = 0; t < nt; ++t) xoff[t] = ((tiles[tile_at + 2 + t] - p.x_pair0) / p.x_div) * p.k;
#else
    t0 = gl_WorkGroupID.z * NT;
    nt = min(uint(NT), p.n - t0);
#endif
    const uint tid = gl_LocalInvocationID.x;
    const uint r_first = (gl_WorkGroupID.x + gl_WorkGroupID.y * p.wg_x) * RPW;
    // RPW rows one after the other: fewer, longer workgroups (their start-up
    // cost dominates small rows on CPU drivers). r is uniform: barriers are safe.
    for (uint r = r_first; r < min(r_first + RPW, p.rows); ++r) {
    for (uint t = 0; t < NT; ++t) acc[t] = 0.0;
#ifdef MOE
    const uint rb = ((tile_e - p.e0) * p.rows + r) * p.row_bytes;
#else
    const uint rb = r * p.row_bytes;
#endif

#if defined(FMT_F32) || defined(FMT_F16) || defined(FMT_BF16)
    const uint units = (p.k + 31) / 32;
#else
    const uint units = p.k / 32;
#endif
    for (uint u = tid; u < units; u += WG) {
#if defined(FMT_F32)
        const uint base = rb / 4 + u * 32;
        const uint jn = min(32u, p.k - u * 32);
        for (uint j = 0; j < jn; ++j) fma_x(u * 32 + j, uintBitsToFloat(w[base + j]));
#elif defined(FMT_F16)
        const uint base = rb / 2 + u * 32;  // half index
        const uint jn = min(32u, p.k - u * 32);
        for (uint j = 0; j < jn; ++j) {
            const uint hi = base + j;
#ifdef USE_16BIT
            fma_x(u * 32 + j, float(wh[hi]));
#else
            fma_x(u * 32 + j, unpackHalf2x16(w[hi >> 1] >> ((hi & 1) * 16)).x);
#endif
        }
#elif defined(FMT_BF16)
        const uint base = rb / 2 + u * 32;  // half index
        const uint jn = min(32u, p.k - u * 32);
        for (uint j = 0; j < jn; ++j) {
            const uint hi = base + j;
#ifdef USE_16BIT
            fma_x(u * 32 + j, uintBitsToFloat(uint(wh[hi]) << 16));
#else
            fma_x(u * 32 + j, uintBitsToFloat(((w[hi >> 1] >> ((hi & 1) * 16)) & 0xffffu) << 16));
#endif
        }
#elif defined(FMT_Q8_0)
        const uint bo = rb + u * 34;
        const float d = rd_f16(bo);
        for (uint j = 0; j < 32; ++j) fma_x(u * 32 + j, d * float(rd_i8(bo + 2 + j)));
#elif defined(FMT_Q4_0)
        const uint bo = rb + u * 18;
        const float d = rd_f16(bo);
        for (uint j = 0; j < 16; ++j) {
            const uint b = rd_u8(bo + 2 + j);
            fma_x(u * 32 + j, d * (float(b & 15u) - 8.0));
            fma_x(u * 32 + j + 16, d * (float(b >> 4) - 8.0));
        }
#elif defined(FMT_Q4_K)
        // 256-element super-block of 144 bytes: d, dmin, 12 scale bytes, 128 qs.
        const uint sub = u % 8;
        const uint bo = rb + (u / 8) * 144;
        const float d = rd_f16(bo), dmin = rd_f16(bo + 2);
        const uint sb = bo + 4;
        uint sc, m;
        k4_scale_min(sb, sub, sc, m);
        const float ds = d * float(sc), dm = dmin * float(m);
        const uint qo = bo + 16 + 32 * (sub / 2);
        const uint shift = (sub & 1u) * 4;
        for (uint l = 0; l < 32; ++l) fma_x(u * 32 + l, ds * float((rd_u8(qo + l) >> shift) & 15u) - dm);
#elif defined(FMT_Q5_K)
        // 176 bytes: d, dmin, 12 scale bytes, qh[32] (bit `sub` of qh[l] is bit 4), 128 qs.
        const uint sub = u % 8;
        const uint bo = rb + (u / 8) * 176;
        const float d = rd_f16(bo), dmin = rd_f16(bo + 2);
        uint sc, m;
        k4_scale_min(bo + 4, sub, sc, m);
        const float ds = d * float(sc), dm = dmin * float(m);
        const uint qo = bo + 48 + 32 * (sub / 2);
        const uint shift = (sub & 1u) * 4;
        for (uint l = 0; l < 32; ++l) {
            const uint q = ((rd_u8(qo + l) >> shift) & 15u) | (((rd_u8(bo + 16 + l) >> sub) & 1u) << 4);
            fma_x(u * 32 + l, ds * float(q) - dm);
        }
#elif defined(FMT_Q4_1)
        const uint bo = rb + u * 20;
        const float d = rd_f16(bo), mn = rd_f16(bo + 2);
        for (uint j = 0; j < 16; ++j) {
            const uint b = rd_u8(bo + 4 + j);
            fma_x(u * 32 + j, d * float(b & 15u) + mn);
            fma_x(u * 32 + j + 16, d * float(b >> 4) + mn);
        }
#elif defined(FMT_Q5_0) || defined(FMT_Q5_1)
        // Q5_0: d, qh (u32), qs[16]: d * (q - 16). Q5_1: d, m, qh, qs: d * q + m.
#ifdef FMT_Q5_0
        const uint bo = rb + u * 22, ho = bo + 2;
        const float d = rd_f16(bo), mn = -16.0 * d;
#else
        const uint bo = rb + u * 24, ho = bo + 4;
        const float d = rd_f16(bo), mn = rd_f16(bo + 2);
#endif
        const uint qh = rd_u32(ho);
        for (uint j = 0; j < 16; ++j) {
            const uint b = rd_u8(ho + 4 + j);
            fma_x(u * 32 + j, d * float((b & 15u) | (((qh >> j) & 1u) << 4)) + mn);
            fma_x(u * 32 + j + 16, d * float((b >> 4) | (((qh >> (j + 16)) & 1u) << 4)) + mn);
        }
#elif defined(FMT_Q6_K)
        // 256-element super-block of 210 bytes: ql[128], qh[64], int8 scales[16], d.
        // Unit (sub) = 32p + 128c: low nibble of ql[64c + 32(p&1) + l] (high when
        // p >= 2), 2 high bits at qh[32c + l] >> 2p, scale 8c + 2p + l/16.
        const uint sub = u % 8, c = sub / 4, pp = sub % 4;
        const uint bo = rb + (u / 8) * 210;
        const float d = rd_f16(bo + 208);
        const uint qlo = bo + 64 * c + 32 * (pp & 1u);
        const uint qho = bo + 128 + 32 * c;
        const uint lshift = pp >= 2 ? 4 : 0;
        const float s0 = d * float(rd_i8(bo + 192 + 8 * c + 2 * pp));
        const float s1 = d * float(rd_i8(bo + 192 + 8 * c + 2 * pp + 1));
        for (uint l = 0; l < 32; ++l) {
            const uint lo = (rd_u8(qlo + l) >> lshift) & 15u;
            const uint hi = (rd_u8(qho + l) >> (2 * pp)) & 3u;
            fma_x(u * 32 + l, (l < 16 ? s0 : s1) * float(int(lo | (hi << 4)) - 32));
        }
#elif defined(FMT_MXFP4)
        // 17 bytes: the e8m0 scale, then 16 bytes of nibbles (low: element j, high: j + 16).
        const uint bo = rb + u * 17;
        const float d = ldexp(1.0, int(rd_u8(bo)) - 128);
        for (uint j = 0; j < 16; ++j) {
            const uint b = rd_u8(bo + 1 + j);
            fma_x(u * 32 + j, d * MXFP4_V[b & 15u]);
            fma_x(u * 32 + j + 16, d * MXFP4_V[b >> 4]);
        }
#else
#error "no weight format defined"
#endif
    }

#ifdef USE_SUBGROUP
    // One subgroup may be smaller than the workgroup: reduce per subgroup,
    // then across subgroups through shared memory.
    for (uint t = 0; t < NT; ++t) acc[t] = subgroupAdd(acc[t]);
    if (gl_NumSubgroups == 1) {
        if (tid == 0) for (uint t = 0; t < nt; ++t) y[y_at(t, r)] = acc[t] + y_bias(r);
    } else {
        if (gl_SubgroupInvocationID == 0) for (uint t = 0; t < NT; ++t) part[gl_SubgroupID][t] = acc[t];
        barrier();
        if (tid == 0) {
            for (uint t = 0; t < nt; ++t) {
                float s = 0.0;
                for (uint g = 0; g < gl_NumSubgroups; ++g) s += part[g][t];
                y[y_at(t, r)] = s + y_bias(r);
            }
        }
        barrier();  // the next row reuses part[]
    }
#else
    // Two barriers per row (a tree would take log2(WG) + 1): thread t < nt sums token t's column.
    for (uint t = 0; t < NT; ++t) red[tid][t] = acc[t];
    barrier();
    if (tid < nt) {
        float s = 0.0;
        for (uint g = 0; g < WG; ++g) s += red[g][tid];
        y[y_at(tid, r)] = s + y_bias(r);
    }
    barrier();  // the next row reuses red[]
#endif
    }
}

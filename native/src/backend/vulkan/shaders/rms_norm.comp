// out[r][i] = x[in_row0 + r][i] / sqrt(mean(x[in_row0 + r]^2) + eps) * w[i]
// One workgroup per row; shared-memory reduction (works on every device).
#version 450
#define WG 64
layout(local_size_x = WG) in;
layout(std430, binding = 0) readonly buffer Xbuf { float x[]; };    // [rows][n]
layout(std430, binding = 1) readonly buffer Wbuf { float wt[]; };   // [n] (unused unless has_w)
layout(std430, binding = 2) writeonly buffer Obuf { float o[]; };   // [rows][n]
layout(push_constant) uniform Params { uint n; float eps; uint in_row0; uint has_w; } p;
shared float red[WG];

void main() {
    const uint r = gl_WorkGroupID.x, tid = gl_LocalInvocationID.x;
    const uint xi = (p.in_row0 + r) * p.n, oi = r * p.n;
    float s = 0.0;
    for (uint i = tid; i < p.n; i += WG) s += x[xi + i] * x[xi + i];
    red[tid] = s;
    barrier();
    for (uint h = WG / 2; h > 0; h >>= 1) {
        if (tid < h) red[tid] += red[tid + h];
        barrier();
    }
    const float scale = 1.0 / sqrt(red[0] / float(p.n) + p.eps);
    for (uint i = tid; i < p.n; i += WG) o[oi + i] = x[xi + i] * scale * (p.has_w != 0 ? wt[i] : 1.0);
}

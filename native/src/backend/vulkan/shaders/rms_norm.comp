// RMSNorm: out[r][i] = x[in_row0 + r][i] / sqrt(mean(x^2) + eps) * w[i];
// LayerNorm (layer != 0): out[r][i] = (x - mean(x)) / sqrt(var(x) + eps) * w[i] + b[i].
// w and b are used only when has_w / has_b. One workgroup per row;
// shared-memory reductions (work on every device). out may be x: each
// element is read and then written by the same thread.
#version 450
#define WG 64
layout(local_size_x = WG) in;
layout(std430, binding = 0) readonly buffer Xbuf { float x[]; };    // [rows][n]
layout(std430, binding = 1) readonly buffer Wbuf { float wt[]; };   // [n]
layout(std430, binding = 2) writeonly buffer Obuf { float o[]; };   // [rows][n]
layout(std430, binding = 3) readonly buffer Bbuf { float bs[]; };   // [n]
layout(push_constant) uniform Params { uint n; float eps; uint in_row0; uint has_w; uint layer; uint has_b; } p;
shared float red[WG];

float row_sum(float s) {
    const uint tid = gl_LocalInvocationID.x;
    red[tid] = s;
    barrier();
    for (uint h = WG / 2; h > 0; h >>= 1) {
        if (tid < h) red[tid] += red[tid + h];
        barrier();
    }
    const float total = red[0];
    barrier();  // red is reused by the next reduction
    return total;
}

void main() {
    const uint r = gl_WorkGroupID.x, tid = gl_LocalInvocationID.x;
    const uint xi = (p.in_row0 + r) * p.n, oi = r * p.n;
    float mean = 0.0;
    if (p.layer != 0) {
        float s = 0.0;
        for (uint i = tid; i < p.n; i += WG) s += x[xi + i];
        mean = row_sum(s) / float(p.n);
    }
    float s = 0.0;
    for (uint i = tid; i < p.n; i += WG) s += (x[xi + i] - mean) * (x[xi + i] - mean);
    const float scale = 1.0 / sqrt(row_sum(s) / float(p.n) + p.eps);
    for (uint i = tid; i < p.n; i += WG) {
        float v = (x[xi + i] - mean) * scale * (p.has_w != 0 ? wt[i] : 1.0);
        if (p.has_b != 0) v += bs[i];
        o[oi + i] = v;
    }
}

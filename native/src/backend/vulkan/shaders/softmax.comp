// Row softmax in place on x[rows][n]; one workgroup per row.
#version 450
#define WG 64
layout(local_size_x = WG) in;
layout(std430, binding = 0) buffer Xbuf { float x[]; };
layout(push_constant) uniform Params { uint n; } p;
shared float red[WG];

void main() {
    const uint base = gl_WorkGroupID.x * p.n, tid = gl_LocalInvocationID.x;
    float m = -3.0e38;
    for (uint i = tid; i < p.n; i += WG) m = max(m, x[base + i]);
    red[tid] = m;
    barrier();
    for (uint h = WG / 2; h > 0; h >>= 1) {
        if (tid < h) red[tid] = max(red[tid], red[tid + h]);
        barrier();
    }
    m = red[0];
    barrier();
    float s = 0.0;
    for (uint i = tid; i < p.n; i += WG) {
        const float e = exp(x[base + i] - m);
        x[base + i] = e;
        s += e;
    }
    red[tid] = s;
    barrier();
    for (uint h = WG / 2; h > 0; h >>= 1) {
        if (tid < h) red[tid] += red[tid + h];
        barrier();
    }
    const float inv = 1.0 / red[0];
    for (uint i = tid; i < p.n; i += WG) x[base + i] *= inv;
}

// out[i] = op(a[i], b[i % b_len]) for i < n: op 0 add, 1 mul, 2 swiglu
// (silu(a) * b). b_len < n broadcasts a bias row over tokens. out may be a.
#version 450
#define WG 256
layout(local_size_x = WG) in;
layout(std430, binding = 0) readonly buffer Abuf { float a[]; };
layout(std430, binding = 1) readonly buffer Bbuf { float b[]; };
layout(std430, binding = 2) buffer Obuf { float o[]; };
layout(push_constant) uniform Params { uint n; uint b_len; uint op; uint wg_x; } p;

void main() {
    const uint i = gl_GlobalInvocationID.x + gl_WorkGroupID.y * p.wg_x * WG;
    if (i >= p.n) return;
    const float va = a[i], vb = b[i % p.b_len];
    float r;
    if (p.op == 0) r = va + vb;
    else if (p.op == 1) r = va * vb;
    else r = va / (1.0 + exp(-va)) * vb;
    o[i] = r;
}

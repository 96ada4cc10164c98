// out[i] = op(a[i], b[i % b_len]) for i < n: op 0 add, 1 mul, 2 swiglu
// (silu(a) * b), 3 geglu (gelu(a) * b), 4 gelu (gelu(a); b unused),
// 5 softcap (b * tanh(a / b)), 6 gpt-oss's clipped SwiGLU (a gate, b up: see
// swiglu_oai in cpu/moe-ffn.cpp). b_len < n broadcasts a bias row over tokens
// (b_len 1: a constant). out may be a.
#version 450
#define WG 256
layout(local_size_x = WG) in;
layout(std430, binding = 0) readonly buffer Abuf { float a[]; };
layout(std430, binding = 1) readonly buffer Bbuf { float b[]; };
layout(std430, binding = 2) buffer Obuf { float o[]; };
layout(push_constant) uniform Params { uint n; uint b_len; uint op; uint wg_x; } p;

float f16(float x) { return unpackHalf2x16(packHalf2x16(vec2(x, 0.0))).x; }

// The CPU's GELU (cpu-ops.cpp): the tanh form of the input read as f16,
// rounded to f16, and x or 0 beyond +-10. tanh's argument is clamped where it
// is already +-1 in float, since some drivers overflow exp() inside tanh().
float gelu16(float x) {
    if (x <= -10.0) return 0.0;
    if (x >= 10.0) return x;
    const float v = f16(x);
    const float t = clamp(0.7978845608028654 * v * (1.0 + 0.044715 * v * v), -15.0, 15.0);
    return f16(0.5 * v * (1.0 + tanh(t)));
}

void main() {
    const uint i = gl_GlobalInvocationID.x + gl_WorkGroupID.y * p.wg_x * WG;
    if (i >= p.n) return;
    const float va = a[i], vb = b[i % p.b_len];
    float r;
    if (p.op == 0) r = va + vb;
    else if (p.op == 1) r = va * vb;
    else if (p.op == 2) r = va / (1.0 + exp(-va)) * vb;
    else if (p.op == 3) r = gelu16(va) * vb;
    else if (p.op == 4) r = gelu16(va);
    else if (p.op == 5) r = vb * tanh(clamp(va / vb, -15.0, 15.0));
    else {
        // gpt-oss's constants: alpha 1.702, limit 7.
        const float g = min(va, 7.0), u = clamp(vb, -7.0, 7.0);
        r = g / (1.0 + exp(-1.702 * g)) * (u + 1.0);
    }
    o[i] = r;
}

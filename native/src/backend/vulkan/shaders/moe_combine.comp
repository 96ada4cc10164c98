// The experts' weighted sum: out[t0 + i][c] = sum over slots j of
// w[(t0 + i) * k + j] * y[i * k + j][c], for the n tokens of one chunk
// (y holds the chunk's pairs, token-major). Slots in order, so each output
// is one fixed sum: no atomics, no dependence on how pairs were tiled.
#version 450
#define WG 256
layout(local_size_x = WG) in;
layout(std430, binding = 0) readonly buffer Ybuf { float y[]; };   // [n * k][n_embd]
layout(std430, binding = 1) readonly buffer Wbuf { float w[]; };   // [all tokens][k]
layout(std430, binding = 2) writeonly buffer Obuf { float o[]; };  // [all tokens][n_embd]
layout(push_constant) uniform Params { uint n_embd; uint k; uint t0; uint n; uint wg_x; } p;

void main() {
    const uint i = gl_GlobalInvocationID.x + gl_WorkGroupID.y * p.wg_x * WG;
    if (i >= p.n * p.n_embd) return;
    const uint t = i / p.n_embd, c = i % p.n_embd;
    float s = 0.0;
    for (uint j = 0; j < p.k; ++j) s += w[(p.t0 + t) * p.k + j] * y[(t * p.k + j) * p.n_embd + c];
    o[(p.t0 + t) * p.n_embd + c] = s;
}

// Appends rows src[n][row] (f32) to an F16 cache [n_ctx][row] at position pos0:
// each invocation packs one pair of halves (row is even: head_dim is).
#version 450
#define WG 64
layout(local_size_x = WG) in;
layout(std430, binding = 0) readonly buffer Sbuf { float src[]; };
layout(std430, binding = 1) buffer Cbuf { uint cache[]; };   // pairs of f16
layout(push_constant) uniform Params { uint row; uint pos0; } p;

void main() {
    const uint i = gl_GlobalInvocationID.x, t = gl_WorkGroupID.y;
    const uint pairs = p.row / 2;
    if (i >= pairs) return;
    const uint s = t * p.row + 2 * i;
    cache[(p.pos0 + t) * pairs + i] = packHalf2x16(vec2(src[s], src[s + 1]));
}

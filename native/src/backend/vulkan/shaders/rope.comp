// Rotary embedding in place on x[n_tok][n_head][head_dim]: the first n_rot
// dims of each head rotate by angles the host computed in double precision
// (cs[t][i] = (cos, sin) of pos(t) * theta_i, freq factors applied), so the
// GPU matches the CPU at any position. neox: pairs (i, i + n_rot/2), else (2i, 2i+1).
#version 450
#define WG 64
layout(local_size_x = WG) in;
layout(std430, binding = 0) buffer Xbuf { float x[]; };
layout(std430, binding = 1) readonly buffer CSbuf { vec2 cs[]; };   // [n_tok][n_rot/2]
layout(push_constant) uniform Params { uint n_tok; uint n_head; uint head_dim; uint n_rot; uint neox; } p;

void main() {
    const uint half_rot = p.n_rot / 2;
    const uint i = gl_GlobalInvocationID.x;       // pair index
    const uint h = gl_WorkGroupID.y, t = gl_WorkGroupID.z;
    if (i >= half_rot) return;
    const vec2 c = cs[t * half_rot + i];
    const uint base = (t * p.n_head + h) * p.head_dim;
    const uint ia = base + (p.neox != 0 ? i : 2 * i);
    const uint ib = base + (p.neox != 0 ? i + half_rot : 2 * i + 1);
    const float x0 = x[ia], x1 = x[ib];
    x[ia] = x0 * c.x - x1 * c.y;
    x[ib] = x0 * c.y + x1 * c.x;
}
